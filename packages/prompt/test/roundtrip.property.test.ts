import { it, expect } from 'vitest';
import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { decodePrompt, encodePrompt, mapChatStrings } from '../src/index.js';
import type { JsonValue } from '@kaizen/ktof';

// Bounded fuzzing: a fixed run count and a time cap; the seed is printed so a failure can be replayed.
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const runs = { seed, numRuns: 150, interruptAfterTimeLimit: 8_000 };
console.log(`prompt property tests: FC_SEED=${seed}`);

const hostilePieces = fc.constantFrom(
  '', ' ', '\n', '\n\n', '\t', '"', '\\', '{', '}', '[', ']', '```', '```json\n', '\n```', '```ktof j2\n', '```ktof !fj0<>',
  '```ktof ', 'fj4', '!', '\u2028', '\u0000', '😀', 'é', '{"a":', '[1,', 'null', '-0', '1e5', '__proto__', ':', ',',
);
const prose = fc.string({ unit: 'grapheme', maxLength: 30 });
const layouts = fc.constantFrom<(v: JsonValue) => string>(
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 2),
  (v) => JSON.stringify(v, null, 4),
  (v) => JSON.stringify(v, null, '\t'),
  (v) => JSON.stringify(v).replace(/,"/g, ', "').replace(/":/g, '": '), // python-ish (may not be exact: then left alone)
);
const records = fc.array(
  fc.record({ id: fc.integer(), name: fc.string({ maxLength: 12 }), ok: fc.boolean(), score: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })) }),
  { minLength: 1, maxLength: 8 },
);
const jsonValue = fc.oneof(records as fc.Arbitrary<JsonValue>, fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>);
const jsonText = fc.tuple(jsonValue, layouts, fc.boolean()).map(([v, layout, fenced]) => (fenced ? '```json\n' + layout(v) + '\n```' : layout(v)));
const text = fc.array(fc.oneof(prose, hostilePieces, jsonText), { maxLength: 6 }).map((parts) => parts.join(''));

const chatRequest: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.record({
    model: fc.constant('gpt-4o'),
    messages: fc.array(fc.oneof(
      fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: text }),
      fc.record({ role: fc.constant('tool'), tool_call_id: fc.constant('c1'), content: text }),
      fc.record({ role: fc.constant('assistant'), content: fc.constant(null), tool_calls: fc.tuple(fc.record({ id: fc.constant('c1'), type: fc.constant('function'), function: fc.record({ name: fc.constant('f'), arguments: text }) })) }),
      fc.record({ role: fc.constant('user'), content: fc.array(fc.record({ type: fc.constant('text'), text })) }),
    ), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ system: text, messages: fc.array(fc.record({ role: fc.constant('user'), content: fc.array(fc.record({ type: fc.constant('tool_result'), tool_use_id: fc.constant('t'), content: text })) }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ instructions: text, input: fc.oneof(text, fc.array(fc.record({ type: fc.constant('function_call_output'), call_id: fc.constant('c'), output: text }), { maxLength: 3 })) }),
  fc.record({ contents: fc.array(fc.record({ role: fc.constantFrom('user', 'model'), parts: fc.array(fc.oneof(fc.record({ text }), fc.record({ functionResponse: fc.record({ name: fc.constant('f'), response: fc.record({ output: text }) }) }))) }), { minLength: 1, maxLength: 3 }) }),
);

/** Content strings by path (the same walker the encoder uses). */
function strings(request: JsonValue): Map<string, string> {
  const out = new Map<string, string>();
  mapChatStrings(request, (s, site) => (out.set(site.path, s), s));
  return out;
}

it('decodePrompt(encodePrompt(x).prompt) equals x for hostile chat requests', () => {
  let detected = 0;
  fc.assert(fc.property(chatRequest, (request) => {
    const encoded = encodePrompt(request, { countTokens });
    detected += encoded.detections.length;
    // JSON text comparison: exact values and key order (fast-check records have null prototypes).
    expect(JSON.stringify(decodePrompt(encoded.prompt))).toBe(JSON.stringify(request));
  }), runs);
  expect(detected, 'the generators must produce JSON worth encoding').toBeGreaterThan(0);
});

it('no content string gains tokens (o200k); only text imitating a fragment opener pays for its escape', () => {
  fc.assert(fc.property(chatRequest, (request) => {
    const before = strings(request);
    const after = strings(encodePrompt(request, { countTokens }).prompt);
    for (const [path, original] of before) {
      const encoded = after.get(path)!;
      if (!original.includes('```ktof ')) expect(countTokens(encoded)).toBeLessThanOrEqual(countTokens(original));
      else expect(countTokens(encoded) - countTokens(original)).toBeLessThanOrEqual(2 * (original.split('```ktof ').length - 1));
    }
  }), runs);
});

it('plain strings with JSON round-trip and never grow', () => {
  fc.assert(fc.property(text, (s) => {
    const encoded = encodePrompt(s, { countTokens }).prompt as string;
    expect(decodePrompt(encoded)).toBe(s);
    if (!s.includes('```ktof ')) expect(countTokens(encoded)).toBeLessThanOrEqual(countTokens(s));
  }), runs);
});
