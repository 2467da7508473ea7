/**
 * /v1/decompress takes what compress, optimize and prompts.encode returned, over real HTTP: their
 * inline KTOF (plain KTOF, or a prompt document with JSON folded out of its strings) and a payload
 * id, and gives back exactly the JSON or prompt that was sent; compress's output on data whose keys
 * do not look like the document's constructs is the codec's text, byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode } from '@kaizen/ktof';
import { removeTempDirs, startTestServer, type TestServer } from './helpers.js';
import type { SqlitePayloadStore } from '../src/index.js';

let t: TestServer;
let clock = Date.UTC(2030, 0, 1);
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`decompress property tests: FC_SEED=${seed}`);

beforeAll(async () => {
  t = await startTestServer({ rateLimitPerMinute: 1_000_000, payloadTtlSeconds: 60, tombstoneSeconds: 120, now: () => clock });
});
afterAll(async () => {
  await t.server.close();
  removeTempDirs();
});

/** A 200's body; anything else fails with the answer. */
async function ok(path: string, body: unknown): Promise<any> {
  const answer = await t.call(path, body);
  expect(answer.status, `${path} ${JSON.stringify(body).slice(0, 300)} -> ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body;
}
const decompress = (data: string) => ok('/v1/decompress', { data });
const expectError = (answer: { status: number; body: any }, status: number, code: string) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.code).toBe(code);
};
/** Exact equality: values, key order and every string byte. */
const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));
/** The value as the server receives it (JSON has no -0, no undefined). */
const wire = (v: unknown) => JSON.parse(JSON.stringify(v));

/** An object from entries, every key an own data property (`__proto__` included), the first of a repeated key kept. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) if (!Object.hasOwn(out, key)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

// Keys of the construct family and their near misses: constructs, escaped ones, unknown layouts, other cases.
const constructKey = fc.constantFrom('$json', '$json2', '$json4sa', '$jsont', '$text', '$$json', '$$text', '$$$json2', '$json9x', '$jsonZ', '$JSON', '$texts', 'json', '$', '__proto__');
const key = fc.oneof({ weight: 2, arbitrary: constructKey }, { weight: 3, arbitrary: fc.string({ maxLength: 6 }) });
const rows = fc.array(fc.record({ id: fc.integer(), name: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 5 });
// JSON written into strings, in the layouts the prompt document folds (compact, indented) and some it does not.
const jsonText = fc
  .tuple(fc.oneof(rows, fc.jsonValue({ maxDepth: 2 }), fc.constant({ $json: 1 }), fc.constant({ $$text: ['a'] })), fc.constantFrom<number | string>(0, 2, 4, '\t'))
  .map(([v, indent]) => JSON.stringify(v, null, indent));
const text = fc
  .array(fc.oneof(fc.string({ maxLength: 10 }), jsonText, fc.constantFrom('kz_', 'KZ_abc', 'kz_' + 'A'.repeat(22), '{"$json":1}', '$text', '\\u0024json', '```json\n[1,2]\n```', '\n')), { maxLength: 3 })
  .map((parts) => parts.join(''));
const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const { value } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown>; single: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('single')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(objectOf),
  // One-key objects are where constructs live: many of them.
  single: fc.tuple(constructKey, tie('value')).map(([k, v]) => objectOf([[k, v]])),
}));
const isEmptyPrompt = (v: unknown) => v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);

describe('decompress gives back what every producer was sent', () => {
  it('property: decompress(compress(v)) = decompress(optimize(v)) = v; decompress(prompts.encode(p).result) = decompress(payload id) = p', async () => {
    let folded = 0;
    await fc.assert(
      fc.asyncProperty(value, async (raw) => {
        const v = wire(raw);
        let compressed: any;
        if (v !== null) {
          compressed = await ok('/v1/compress', { data: v });
          same((await decompress(compressed.result)).data, v);
          const optimized = await ok('/v1/optimize', { data: v, token_models: ['gpt-4o'] });
          expect(optimized.result).toBe(compressed.result);
          same((await decompress(optimized.result)).result, v);
        }
        if (!isEmptyPrompt(v)) {
          const encoded = await ok('/v1/prompts/encode', { prompt: v });
          // compress writes the prompt document with nothing folded: a result that differs folded JSON out of a string.
          if (encoded.result !== compressed?.result) folded++;
          const inline = await decompress(encoded.result);
          same(inline.data, v);
          expect(inline.meta.source).toBe('inline');
          const byId = await decompress(encoded.meta.payload_id);
          same(byId.data, v);
          expect(byId.meta).toMatchObject({ source: 'payload', payload_id: encoded.meta.payload_id });
        }
      }),
      { seed, numRuns: 150, interruptAfterTimeLimit: 20_000 },
    );
    expect(folded, 'the generator must give prompts.encode JSON in strings to fold').toBeGreaterThan(0);
  });

  it('property: compress output is the codec\'s text, byte for byte, when no one-key object has a construct-like key', async () => {
    const plain = fc.jsonValue({ maxDepth: 4 }).filter((v) => v !== null && !/"\$+(json[0-9a-z]*|text)":/.test(JSON.stringify(v)) && !(typeof v === 'string' && /^kz_[\w-]*$/i.test(v)));
    await fc.assert(
      fc.asyncProperty(plain, async (v) => {
        const data = wire(v);
        expect((await ok('/v1/compress', { data })).result).toBe(encode(data));
      }),
      { seed, numRuns: 60, interruptAfterTimeLimit: 10_000 },
    );
    // `$json`/`$text` in values, and in keys of objects with other keys, leave the text as the codec writes it.
    for (const data of [{ price: '$json', note: '$text' }, { $json: 1, other: 2 }, [{ $text: 'a', b: 1 }, { $text: 'c', b: 2 }], 'kz', { kz_abc: 'kz_abc' }]) {
      expect((await ok('/v1/compress', { data })).result).toBe(encode(data));
    }
  });

  it('a one-key object with a construct-like key is written with one more $, and comes back unchanged', async () => {
    for (const [data, escaped] of [
      [{ $json: { a: 1 } }, { $$json: { a: 1 } }],
      [{ list: [{ $text: ['x'] }, 2] }, { list: [{ $$text: ['x'] }, 2] }],
      [{ $$json2: 'kept' }, { $$$json2: 'kept' }],
    ] as const) {
      const compressed = await ok('/v1/compress', { data });
      expect(compressed.result).toBe(encode(escaped));
      same((await decompress(compressed.result)).data, data);
    }
  });

  it('a root string that reads like a payload id is compressed quoted, so decompress never looks it up', async () => {
    for (const data of ['kz_abc', 'KZ_' + 'x'.repeat(22), 'kz_']) {
      const compressed = await ok('/v1/compress', { data });
      expect(compressed.result).toBe(JSON.stringify(data));
      expect((await decompress(compressed.result)).data).toBe(data);
    }
  });

  it('the result of prompts.encode / optimize.request decompresses to the prompt, JSON inside its strings restored byte for byte', async () => {
    const orders = Array.from({ length: 8 }, (_, i) => ({ id: i, sku: `SKU-${i}`, qty: i % 3 }));
    const prompt = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Which are late?' }, { role: 'tool', content: JSON.stringify({ orders }, null, 2) }] };
    for (const path of ['/v1/prompts/encode', '/v1/optimize/request']) {
      const encoded = await ok(path, { prompt });
      expect(encoded.result).toContain('$json2');
      const decoded = await decompress(encoded.result);
      same(decoded.data, prompt);
      expect(decoded.stats.original_bytes).toBe(Buffer.byteLength(JSON.stringify(prompt)));
      expect(decoded.stats.compressed_bytes).toBe(Buffer.byteLength(encoded.result));
    }
  });

  it('hand-written KTOF with a malformed construct is a 400 that says how to write the key itself', async () => {
    const answer = await t.call('/v1/decompress', { data: 'note:\n  $text: 5' });
    expectError(answer, 400, 'invalid_payload');
    expect(answer.body.detail).toMatch(/\$\$text/);
    const layout = await t.call('/v1/decompress', { data: '$json7q: 1' });
    expectError(layout, 400, 'invalid_payload');
    // A key spelled with \u escapes is the same key.
    expectError(await t.call('/v1/decompress', { data: '"\\u0024text": 5' }), 400, 'invalid_payload');
    same((await decompress('"\\u0024json": 5')).data, '5');
  });
});

describe('unfolding is bounded', () => {
  it('a few hundred bytes of $json nested in $json (which would unfold to gigabytes) are a 400 on every route that unfolds', async () => {
    let bomb: unknown = 1;
    for (let i = 0; i < 40; i++) bomb = { a: { $json: bomb } };
    const text = JSON.stringify(bomb);
    for (const [path, field] of [['/v1/decompress', 'data'], ['/v1/prompts/decode', 'ktof'], ['/v1/optimize/response', 'ktof']] as const) {
      const answer = await t.call(path, { [field]: text });
      expectError(answer, 400, 'invalid_payload');
      expect(answer.body.detail).toMatch(/unfold to more than 1048576 characters/);
    }
    // Nested a little, as real prompts nest JSON in JSON, it unfolds.
    let [nested, expected]: [unknown, unknown] = [{ id: 1 }, { id: 1 }];
    for (let i = 0; i < 3; i++) [nested, expected] = [{ a: { $json: nested } }, { a: JSON.stringify(expected) }];
    same((await decompress(JSON.stringify(nested))).data, expected);
  });
});

describe('decompress by payload id', () => {
  it('returns the stored prompt with its stats and records the read in the replay log', async () => {
    const prompt = { messages: [{ role: 'user', content: 'Rows: [{"id":1,"ok":true},{"id":2,"ok":false},{"id":3,"ok":true}]' }] };
    const encoded = await ok('/v1/prompts/encode', { prompt });
    const id = encoded.meta.payload_id as string;
    const answer = await t.call('/v1/decompress', { data: `  ${id}\n` });
    expect(answer.status).toBe(200);
    same(answer.body.result, prompt);
    same(answer.body.data, prompt);
    expect(answer.body.stats).toEqual(encoded.stats);
    expect(answer.body.meta).toMatchObject({ format: 'ktof', source: 'payload', payload_id: id });
    const replays = (t.server.backends.payloads as SqlitePayloadStore).replays('acme', id);
    expect(replays).toEqual([expect.objectContaining({ requestId: answer.headers.get('x-request-id'), replayMeta: null, metadata: null })]);
  });

  it("another tenant's id is a 404; past its retention a 410 while the tombstone lasts, then a 404; a wrong length says so", async () => {
    const encoded = await ok('/v1/prompts/encode', { prompt: { q: 'keep me' } });
    const id = encoded.meta.payload_id as string;
    const { key: otherKey } = await t.server.backends.keys.create('decompress-other');
    expectError(await t.call('/v1/decompress', { data: id }, { key: otherKey }), 404, 'payload_not_found');
    same((await decompress(id)).data, { q: 'keep me' });
    clock += 61_000;
    const expired = await t.call('/v1/decompress', { data: id });
    expectError(expired, 410, 'payload_expired');
    expect(expired.body.detail).toContain(id);
    clock += 120_000;
    expectError(await t.call('/v1/decompress', { data: id }), 404, 'payload_not_found');
    const short = await t.call('/v1/decompress', { data: 'kz_' + 'Q'.repeat(21) });
    expectError(short, 404, 'payload_not_found');
    expect(short.body.detail).toMatch(/25 characters .* this one has 24/);
    expectError(await t.call('/v1/decompress', { data: 'KZ_abc' }), 404, 'payload_not_found');
  });
});
