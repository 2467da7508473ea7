import { isDeepStrictEqual } from 'node:util';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { decode, decodeStream, encode, KtofDecodeError, type EncodeOptions, type JsonValue } from '../src/index.js';

const optionSets: EncodeOptions[] = [
  {}, { delimiter: '\t' }, { delimiter: '|' }, { delimiter: ';' }, { indent: 4 }, { indent: 1 },
  { length_marker: false }, { lengthMarker: true }, { length_marker: '#' }, { lengthMarker: false, delimiter: '|', indent: 3 },
];
const countTokens = (text: string): number => o200k(text).length;

describe('regression: [1000000000000000] (fast-check counterexample [[1e15],{}])', () => {
  // The compact-JSON fallback wrote `[1000000000000000]` at the root, and the decoder read the
  // 16 digits as an over-long array length and threw before seeing that no header followed.
  it('decodes inline arrays whose first element is a long integer, wherever they stand', async () => {
    expect(decode('[1000000000000000]')).toEqual([1e15]);
    expect(decode('[100000000000000000000,1]')).toEqual([1e20, 1]);
    expect(decode('k[1]:\n  - [1000000000000000]')).toEqual({ k: [[1e15]] });
    expect(decode('k: [1000000000000000]')).toEqual({ k: [1e15] });
    expect(await decodeStream(['[10000000', '00000000]'])).toEqual([1e15]);
  });

  it('still refuses an over-long length in a real header', () => {
    for (const text of ['[1000000000000000]: 1', 'k[1000000000000000]: 1', 'k[1000000000000000]{a}:\n  1', 'k[1000000000000000:]{a}:\n  x: 1']) {
      expect(() => decode(text)).toThrow(KtofDecodeError);
      expect(() => decode(text)).toThrow(/array length is too large/);
    }
  });

  it('round-trips the shape and its neighbours for every option combination, never above compact JSON', () => {
    const numbers: number[] = [0, 1, 1.5, 5e-324, 2 ** 53 - 1, 1e-7];
    for (let e = 10; e <= 22; e++) numbers.push(10 ** e, -(10 ** e), 10 ** e + 1, 1.5 * 10 ** e);
    const shapes = (n: number): JsonValue[] => [
      [n], [[n], {}], [{}, [n]], [[n]], [[n], []], [[n], [n]], { a: [n] }, { a: [[n], {}] }, [[n, n], {}],
      [{ a: n }, {}], [{}, { a: n }], [[n], { a: 1 }], [n, {}], [{}, n], [[n], [{}]],
    ];
    for (const n of numbers) {
      for (const value of shapes(n)) {
        const compact = countTokens(JSON.stringify(value));
        for (const options of optionSets) {
          for (const o of [options, { ...options, countTokens }]) {
            const text = encode(value, o);
            const back = decode(text, { indent: o.indent ?? 2 });
            if (!isDeepStrictEqual(back, value)) expect.fail(`${JSON.stringify(value)} with ${JSON.stringify(options)} -> ${JSON.stringify(text)}`);
            if (o.countTokens) expect(countTokens(text)).toBeLessThanOrEqual(compact);
          }
        }
      }
    }
  });
});

describe('regression: flat objects priced without writing their fields', () => {
  // The encoder prices an object of primitives as field lines without writing them; a list item
  // written inline must still report its own inline cost to the list (not its last value's), or
  // the list-versus-table choice for the whole array goes wrong (fast-check sample, seed 11).
  const rows = [
    { '05': 1.583081209446508e63, é: true, '': 8.339961110328616e144, tags: '|I |o#' },
    { '05': true, é: [], '': [], tags: '#comment', true: null },
  ];

  it('keeps the table for a short array mixing flat and nested rows', () => {
    expect(encode(rows).split('\n')[0]).toBe('[2]{05,é,"",tags,true?}:');
  });

  it('round-trips flat objects in fields and list items for every option combination', () => {
    const value = { a: { x: 1, y: 'two, three', z: null }, list: [{ p: true }, { q: 'x:y' }, 3, [1]], b: { k: { deep: 1 } } };
    for (const options of optionSets) expect(decode(encode(value, options), { indent: options.indent ?? 2 })).toEqual(value);
    for (const options of optionSets) expect(decode(encode(rows, options), { indent: options.indent ?? 2 })).toEqual(rows);
  });
});
