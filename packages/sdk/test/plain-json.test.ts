/** The client validates a body as it is only when a JSON round trip would give it back unchanged. */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KtofNumber, parseJson, stringifyJson } from '@kaizen/ktof';
import { isPlainJson } from '../src/internal/plain-json.js';

const roundTrip = (value: unknown): unknown => parseJson(stringifyJson(value));

/** JSON values mixed with what the round trip changes or refuses. */
const odd = fc.constantFrom<unknown>(
  undefined,
  () => 1,
  -0,
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  2n ** 70n,
  new KtofNumber('12345678901234567890'),
  new KtofNumber('1.5'), // a JS number holds it: read back as the number 1.5
  new Date(0),
  new Map([[1, 2]]),
  Object.create(null),
  { toJSON: () => 'x' },
  { [Symbol('s')]: 1 },
  [1, , 3], // eslint-disable-line no-sparse-arrays
  '\ud800',
  '😀',
);
const values = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), odd),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
}));

describe('isPlainJson', () => {
  it('is true only for values the JSON round trip gives back unchanged (property)', () => {
    fc.assert(
      fc.property(values.value, (value) => {
        if (isPlainJson(value)) expect(isDeepStrictEqual(roundTrip(value), value)).toBe(true);
      }),
    );
  });

  it('accepts JSON as JSON.parse and parseJson give it, -0 and exact numbers included', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(isPlainJson(JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
    );
    expect(isPlainJson(parseJson('{"id":12345678901234567890,"z":-0,"a":[1.5,"\\ud800"]}'))).toBe(true);
  });

  it('refuses what the round trip changes, and values nested past its walk', () => {
    for (const value of [undefined, 2n, new KtofNumber('1.5'), new Date(0), Object.create(null), { toJSON: () => 1 }, { [Symbol('s')]: 1 }, [1, , 2], { a: [Number.NaN] }, { f: () => 1 }]) { // eslint-disable-line no-sparse-arrays
      expect(isPlainJson(value)).toBe(false);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = [deep];
    expect(isPlainJson(deep)).toBe(false);
  });
});
