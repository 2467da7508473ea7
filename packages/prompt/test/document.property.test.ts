import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { decode, encode, stringifyJson, type JsonValue } from '@kaizen/ktof';
import { decodePromptDocument, encodePrompt, encodePromptDocument, encodePromptForms, escapeConstructKeys, mayHoldConstructKeys, PromptDocumentError, unfold, type EncodedText, type FoldEntry, type PromptDocument } from '../src/index.js';

// Bounded fuzzing: a fixed run count and a time cap; the seed is printed so a failure can be replayed.
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const runs = { seed, numRuns: 200, interruptAfterTimeLimit: 10_000 };
console.log(`prompt document property tests: FC_SEED=${seed}`);

/** Exact comparison: values, key order and every string byte (JSON text of both sides). */
const same = (a: JsonValue, b: JsonValue) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

// Keys and strings that collide with the construct, imitate JSON, or stress the codec.
const trickyKeys = fc.constantFrom('$json', '$$json', '$json2', '$json0s', '$jsonx', '$text', '$$$text', '$JSON', 'json', '__proto__', 'kz_', '', ' ', 'a:b', '-');
const key = fc.oneof(fc.string({ maxLength: 6 }), trickyKeys);
const looksLikeJson = fc.constantFrom(
  '{"a":1.0}', '{"a": 1}', '[1, 2]', '{ }', '[1,2', '{"a":1}}', '{"n":12345678901234567890}', '[-0]', '{"a":"\\u00e9"}', '{"a":"é"}',
  '```json\n{"a":1}\n```', '```json\n{"a":1}', '```ktof j2\nx\n```', 'kz_AAAAAAAAAAAAAAAAAAAAAA', 'KZ_x', 'true', 'null', '-1', '"q"',
  '{"$json":[1,2,3]}', '{"$text":["a"]}', '[{"$json2":{}}]', '\n', ' ', '\u2028', '😀', '\u0000', '\\', '"',
);
const layouts = fc.constantFrom<(v: JsonValue) => string>(
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 2),
  (v) => JSON.stringify(v, null, 4),
  (v) => JSON.stringify(v, null, '\t'),
  (v) => JSON.stringify(v).replace(/,"/g, ', "').replace(/":/g, '": '),
  (v) => JSON.stringify(v).replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')),
);
const records = fc.array(fc.record({ id: fc.integer(), name: fc.string({ maxLength: 10 }), ok: fc.boolean() }), { minLength: 1, maxLength: 6 });

/** Any JSON value whose strings may themselves hold JSON (of any shape, nested again) or only look like it. */
const { value: promptValue, text: promptText } = fc.letrec<{ value: JsonValue; text: string; leaf: JsonValue }>((tie) => ({
  leaf: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), looksLikeJson),
  text: fc
    .array(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        looksLikeJson,
        fc.tuple(fc.oneof(records as fc.Arbitrary<JsonValue>, tie('value')), layouts, fc.boolean()).map(([v, layout, fenced]) =>
          fenced ? '```json\n' + layout(v) + '\n```' : layout(v),
        ),
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.join('')),
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    tie('leaf'),
    tie('text'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }).map((o) => JSON.parse(JSON.stringify(o)) as JsonValue),
  ),
})) as unknown as { value: fc.Arbitrary<JsonValue>; text: fc.Arbitrary<string> };

describe('prompt document (one KTOF string of the whole prompt)', () => {
  it('decode(encode(x)) is x for any prompt, embedded JSON of any shape and strings that only look like JSON', () => {
    let folded = 0;
    fc.assert(
      fc.property(promptValue, fc.boolean(), (prompt, exact) => {
        const doc = encodePromptDocument(prompt, exact ? { countTokens } : {});
        folded += doc.folded;
        expect(typeof doc.ktof).toBe('string');
        // unfoldedChars bounds what decoding builds: the document decodes within it.
        same(decodePromptDocument(doc.ktof, { maxChars: doc.unfoldedChars }), prompt);
        if (doc.folded === 0) expect(doc.unfoldedChars).toBe(0);
      }),
      runs,
    );
    expect(folded, 'the generator must produce JSON worth folding').toBeGreaterThan(0);
  });

  it('costs no more tokens than the codec writes for the value as it is (what compress returns)', () => {
    fc.assert(
      fc.property(promptValue, (prompt) => {
        const doc = encodePromptDocument(prompt, { countTokens });
        const plain = encode(prompt);
        // Without folds the document is exactly what compress writes (a "$" more on reserved-looking one-key objects).
        const escapes = JSON.stringify(prompt).match(/"\$+(?:json[0-9a-z]*|text)":/g)?.length ?? 0;
        if (doc.folded === 0 && escapes === 0) expect(doc.ktof).toBe(plain);
        expect(countTokens(doc.ktof)).toBeLessThanOrEqual(countTokens(plain) + escapes);
      }),
      runs,
    );
  });

  it('large folds (skipping the whole-document check) still cost no more than the value unfolded, wherever they sit', () => {
    const big = fc.array(fc.record({ id: fc.integer(), name: fc.string({ maxLength: 10 }), ok: fc.boolean(), note: fc.option(fc.string({ maxLength: 20 })) }), { minLength: 8, maxLength: 30 });
    const content = fc.tuple(big, layouts, fc.string({ maxLength: 30 }), fc.boolean()).map(([v, layout, prose, embedded]) => (embedded ? `${prose}\n${layout(v as JsonValue)}\n${prose}` : layout(v as JsonValue)));
    const chat = fc.oneof(
      fc.record({ messages: fc.array(fc.record({ role: fc.constantFrom('user', 'tool'), content }), { minLength: 1, maxLength: 5 }) }),
      fc.array(content, { minLength: 1, maxLength: 4 }),
      fc.record({ a: fc.record({ b: fc.array(fc.record({ c: content }), { maxLength: 4 }) }) }),
    ) as fc.Arbitrary<JsonValue>;
    fc.assert(
      fc.property(chat, (prompt) => {
        const doc = encodePromptDocument(prompt, { countTokens });
        expect(countTokens(doc.ktof)).toBeLessThanOrEqual(countTokens(encode(prompt)));
        same(decodePromptDocument(doc.ktof), prompt);
      }),
      { ...runs, numRuns: 60 },
    );
  });

  it('folds a chat tool result into the structure and restores its exact bytes', () => {
    const rows = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, name: ['Ada', 'Lin', 'Bob'][i % 3]!, total: 9.5 + i * 3 }));
    const prompt = {
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: `Summarise these orders:\n${JSON.stringify(rows)}\nThanks.` },
        { role: 'tool', content: JSON.stringify({ orders: rows }, null, 2) },
      ],
    };
    const doc = encodePromptDocument(prompt, { countTokens });
    expect(doc.folded).toBe(2);
    expect(doc.ktof).toContain('$json2');
    expect(doc.ktof).toContain('$text');
    expect(doc.ktof).not.toContain('\\"'); // no JSON carried as escaped text
    expect(countTokens(doc.ktof)).toBeLessThan(countTokens(encode(prompt)));
    same(decodePromptDocument(doc.ktof), prompt);
  });

  it('escapes one-key objects whose key looks like a construct', () => {
    const prompt = { $json: '{"a":1}', list: [{ $text: ['x'] }, { $$json2: 1 }] } as JsonValue;
    same(decodePromptDocument(encodePromptDocument(prompt).ktof), prompt);
    same(decodePromptDocument(encodePromptDocument({ $json: 5 }).ktof), { $json: 5 });
  });

  it('rejects malformed constructs with a clear error', () => {
    expect(() => decodePromptDocument('$jsonq: 1')).toThrow(PromptDocumentError);
    expect(() => decodePromptDocument('$text: 1')).toThrow(/list of strings/);
    expect(() => decodePromptDocument('$text[1]: 5')).toThrow(/part must be a string/);
  });

  it('encodePromptForms gives exactly what encodePrompt and encodePromptDocument give, caches shared or not; `plain` means the document is encode(prompt)', () => {
    const chat = fc.array(fc.record({ role: fc.constantFrom('user', 'tool', 'system'), content: promptText }), { minLength: 1, maxLength: 3 }).map((messages) => ({ model: 'm', messages }) as JsonValue);
    // Caches kept across runs, as the server keeps them across requests: one pair per counter.
    const cachesFor = () => {
      const texts = new Map<string, EncodedText>();
      const folds = new Map<string, FoldEntry>();
      const documents = new Map<string, PromptDocument>();
      return {
        textCache: { get: (t: string) => texts.get(t), set: (t: string, e: EncodedText) => void texts.set(t, e) },
        foldCache: { get: (t: string) => folds.get(t), set: (t: string, e: FoldEntry) => void folds.set(t, e) },
        documentCache: { get: (k: string) => documents.get(k), set: (k: string, d: PromptDocument) => void documents.set(k, d) },
      };
    };
    const caches = { exact: cachesFor(), estimate: cachesFor() };
    fc.assert(
      fc.property(fc.oneof(promptValue, chat, promptText), fc.boolean(), fc.boolean(), fc.boolean(), (prompt, exact, cached, autoDetectJson) => {
        const options = { ...(exact ? { countTokens } : {}), encodeOptions: { maxDepth: 64 }, autoDetectJson };
        // Twice when cached: the second answer comes from the caches (the document by the prompt's JSON).
        const run = () => encodePromptForms(prompt, { ...options, ...(cached && { ...caches[exact ? 'exact' : 'estimate'], json: stringifyJson(prompt) }) });
        const forms = cached ? (run(), run()) : run();
        const alone = { prompt: encodePrompt(prompt, options), document: encodePromptDocument(prompt, options) };
        same(forms.prompt.prompt, alone.prompt.prompt);
        expect(forms.prompt.detections).toEqual(alone.prompt.detections);
        expect(forms.prompt.tokensSaved).toBe(alone.prompt.tokensSaved);
        expect(forms.document).toEqual(alone.document);
        if (forms.document.plain) expect(forms.document.ktof).toBe(encode(prompt, options.encodeOptions));
      }),
      runs,
    );
  });
});

describe('construct keys (what compress and decompress share with the document)', () => {
  it('escapeConstructKeys is the document with nothing folded, and the value itself when no key needed escaping', () => {
    fc.assert(
      fc.property(promptValue, (value) => {
        const escaped = escapeConstructKeys(value);
        const unfoldedDocument = encodePromptDocument(value, { autoDetectJson: false });
        expect(encode(escaped)).toBe(unfoldedDocument.ktof);
        expect(escaped === value).toBe(unfoldedDocument.plain);
        same(unfold(decode(encode(escaped))), value);
      }),
      runs,
    );
  });

  it('unfold returns a value without constructs as the same object, and mayHoldConstructKeys never misses a text whose value holds one', () => {
    const changes = (decoded: JsonValue) => {
      try {
        return unfold(decoded) !== decoded || escapeConstructKeys(decoded) !== decoded;
      } catch {
        return true; // a malformed construct
      }
    };
    let held = 0;
    fc.assert(
      fc.property(promptValue, fc.boolean(), (value, folded) => {
        const text = folded ? encodePromptDocument(value).ktof : encode(value);
        const decoded = decode(text);
        if (changes(decoded)) {
          held++;
          expect(mayHoldConstructKeys(text)).toBe(true);
        }
        if (!/\$(json|text)/.test(JSON.stringify(value))) expect(unfold(value)).toBe(value);
      }),
      runs,
    );
    expect(held, 'the generator must produce construct keys').toBeGreaterThan(0);
    expect(mayHoldConstructKeys('"\\u0024json": 1')).toBe(true);
    expect(mayHoldConstructKeys('price: $5\nnote: JSON text')).toBe(false);
  });

  it('unfold stops at maxChars: $json nested in $json doubles its escapes at each level', () => {
    let bomb: JsonValue = 1;
    for (let i = 0; i < 40; i++) bomb = { a: { $json: bomb } };
    expect(() => unfold(bomb, { maxChars: 100_000 })).toThrow(PromptDocumentError);
    expect(() => decodePromptDocument(JSON.stringify(bomb), { maxChars: 100_000 })).toThrow(/more than 100000 characters/);
    let small: JsonValue = { id: 1 };
    for (let i = 0; i < 3; i++) small = { a: { $json: small } };
    expect(unfold(small, { maxChars: 100_000 })).toEqual(unfold(small));
  });
});
