import fc from 'fast-check';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodeLines, type EncodeOptions, type JsonValue } from '../src/index.js';
import { hostileKeys, hostileNumbers, hostileStrings, jsonValue, objectOf, prefixRecords, recordArray, same } from './arbitraries.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);
const params = { seed, numRuns: 300 };

const optionSets: EncodeOptions[] = [
  {}, { delimiter: '\t' }, { delimiter: '|' }, { delimiter: ';' }, { indent: 4 }, { indent: 1 },
  { length_marker: false }, { lengthMarker: true }, { length_marker: '#' }, { lengthMarker: false, delimiter: '|', indent: 3 },
];

function roundTrips(value: JsonValue, options: EncodeOptions = {}): void {
  const text = encode(value, options);
  const back = decode(text, { indent: options.indent ?? 2 });
  if (!same(back, value)) {
    expect.fail(`round trip failed with ${JSON.stringify(options)}\n--- value\n${JSON.stringify(value)}\n--- ktof\n${text}\n--- decoded\n${JSON.stringify(back)}`);
  }
  expect([...encodeLines(value, options)].join('\n')).toBe(text);
}

describe('lossless round trip', () => {
  it('hostile strings, keys and numbers in every position', () => {
    const values: JsonValue[] = [
      ...hostileStrings, ...hostileNumbers,
      { s: hostileStrings, n: hostileNumbers },
      objectOf(hostileKeys.map((k, i) => [k, hostileStrings[i % hostileStrings.length] as string])),
      hostileStrings.map((s, i) => objectOf([['id', i], ['s', s], [hostileKeys[i % hostileKeys.length] as string, s]])),
      hostileStrings.map((s) => [s, s]),
      hostileStrings.map((s) => objectOf([[s.length ? s : 'k', { inner: s }]])),
    ];
    for (const options of optionSets) for (const v of values) roundTrips(v, options);
  });

  it('empty containers, arrays of arrays, deep nesting', () => {
    let deep: JsonValue = 'leaf';
    for (let i = 0; i < 200; i++) deep = i % 2 ? { k: deep } : [deep];
    const values: JsonValue[] = [
      {}, [], [[]], [{}], [[], []], [{}, {}], { a: {} }, { a: [] }, { a: [{}] }, { a: [[]] }, [[1], [2, [3]], []],
      [{ a: 1 }, {}], [{ a: {} }, { a: { b: 1 } }], [{ a: { b: {} } }, { a: { b: { c: 1 } } }], deep,
      { rows: [['x', 'y'], [''], ['', ''], [[1]]] }, [[{ a: 1 }, { a: 2 }]],
    ];
    for (const options of optionSets) for (const v of values) roundTrips(v, options);
  });

  it('property: any JSON value, any option combination', () => {
    fc.assert(fc.property(jsonValue, fc.constantFrom(...optionSets), (v, o) => roundTrips(v, o)), params);
  });

  it('property: uniform, semi-uniform, sparse and nested object arrays', () => {
    fc.assert(fc.property(fc.oneof(recordArray, prefixRecords), fc.constantFrom(...optionSets), (v, o) => {
      roundTrips(v, o);
      roundTrips({ items: v, after: 1 }, o);
      roundTrips([objectOf([['list', v], ['x', 1]])], o);
    }), params);
  });
});

describe('never more tokens than compact JSON', () => {
  const countTokens = (text: string): number => o200k(text).length;
  // JSON.stringify writes -0 as 0 (a loss KTOF does not copy: it spends a token on the sign),
  // so the comparison runs on values without -0.
  const noNegativeZero = (v: JsonValue): JsonValue => JSON.parse(JSON.stringify(v)) as JsonValue;
  it('property: with a real tokenizer (o200k) injected', () => {
    fc.assert(fc.property(fc.oneof(jsonValue, recordArray, prefixRecords).map(noNegativeZero), (v) => {
      const json = JSON.stringify(v);
      expect(countTokens(encode(v, { countTokens }))).toBeLessThanOrEqual(countTokens(json));
    }), { ...params, numRuns: 200 });
  });
});
