import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KtofNumber, RawJson, stringifyJson } from '@kaizen/ktof';
import { jsonByteLength, portableUtf8Length, utf8Length } from '../src/measure.js';

const written = (value: unknown): number => utf8Length(stringifyJson(value) ?? '');

/** Strings of any UTF-16 code units: lone surrogates, control characters, quotes and backslashes. */
const anyString = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\ud800', '\udfff', '😀', 'é', '東'), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))) });

/** JSON values plus what JSON.stringify writes its own way: undefined and functions inside containers, -0, NaN, exact numbers, toJSON. */
const odd = fc.constantFrom<unknown>(undefined, () => 1, -0, Number.NaN, Number.POSITIVE_INFINITY, new KtofNumber('12345678901234567890'), new Date(0), new RawJson('[1, 2]'), 2n ** 70n, 1e21, 1.5e-7, -42);
const values = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(anyString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), odd),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 5 }),
  ),
}));

describe('jsonByteLength', () => {
  it('counts the UTF-8 bytes stringifyJson writes, whatever the value (property)', () => {
    fc.assert(
      fc.property(values.value, (value) => {
        fc.pre(value !== undefined && typeof value !== 'function');
        expect(jsonByteLength(value)).toBe(written(value));
      }),
    );
  });

  it('counts escapes, surrogate pairs, lone surrogates and null-prototype objects', () => {
    const record = Object.assign(Object.create(null) as Record<string, unknown>, { 'k"\\': 'a\u0001\b\t\n\f\r', pair: '😀', lone: '\ud83d', skipped: undefined });
    for (const value of [record, ['x', undefined, () => 0], { n: -0 }, [0, -1, 10, 99, 100, 9007199254740991, -9007199254740991, 0.1, 1e300]]) {
      expect(jsonByteLength(value)).toBe(written(value));
    }
  });
});

describe('portableUtf8Length', () => {
  it('equals TextEncoder on any UTF-16 text, lone surrogates included (property)', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        expect(portableUtf8Length(text)).toBe(new TextEncoder().encode(text).length);
      }),
    );
  });
});
