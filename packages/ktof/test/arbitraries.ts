import fc from 'fast-check';
import type { JsonValue } from '../src/index.js';

/** Strings chosen to break quoting, typing and structure. */
export const hostileStrings = [
  '', ' ', '  padded ', '\t', 'a\tb', 'line\nbreak', 'cr\rhere', '"', '\\', '"quoted"', 'back\\slash', '\u0000', '\u001f',
  '\u2028', '\u2029', '😀', 'e\u0301', '05', '1e5', '-0', '0', '-1', '1.50', '.5', '+1', 'true', 'false', 'null',
  'NaN', 'Infinity', '-', '- item', '-x', '#comment', 'a: b', 'key:', ':', ',', 'a,b', '|', ';', '[]', '{}', '[3]: a',
  'x[2]{a,b}:', '{a:1}', '[1,2]', 'a?', '""', "'", '\ufeffbom', 'é', '中文', 'a b', '__proto__', 'constructor',
  'a=b', '=x', 'x}', '{a=1}',
];

export const hostileKeys = [
  '__proto__', 'constructor', 'toString', 'a.b', '', ' ', 'a b', 'key:', '-k', '#k', 'k?', '[k]', '{k}', 'a,b', 'a|b',
  'a;b', 'a\tb', '"', '0', '1', '05', 'true', 'null', '😀', 'é', 'line\nkey', 'x[2]', 'a=b', '=',
];

export const hostileNumbers = [0, -0, 1, -1, 1.5, 1e21, 1e-7, 5e-324, 2 ** 53 - 1, -(2 ** 53 - 1), 1.7976931348623157e308, 0.1 + 0.2, 123456789012, 1e15, 1e16, 123456789012345680000];

const key = fc.oneof(fc.constantFrom(...hostileKeys), fc.string({ maxLength: 6 }), fc.constantFrom('id', 'name', 'email', 'tags', 'meta'));
const str = fc.oneof(fc.constantFrom(...hostileStrings), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const num = fc.oneof(fc.constantFrom(...hostileNumbers), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
export const primitive: fc.Arbitrary<JsonValue> = fc.oneof(str, num, fc.boolean(), fc.constant(null));

/** Builds an object with keys in the given order, `__proto__` included as an own key. */
export function objectOf(entries: [string, JsonValue][]): { [k: string]: JsonValue } {
  const o: { [k: string]: JsonValue } = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** Strict equality that also tells -0 from 0 and checks key order. */
export function same(a: JsonValue, b: JsonValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, JsonValue>)[k] as JsonValue, (b as Record<string, JsonValue>)[k] as JsonValue));
}

/** Any JSON value, biased towards the shapes KTOF treats specially (tables, groups, matrices). */
export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue; object: JsonValue; array: JsonValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, primitive, tie('object'), tie('array')),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map(objectOf),
  array: fc.oneof(
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(primitive, { maxLength: 5 }),
    fc.array(fc.array(primitive, { maxLength: 3 }), { maxLength: 4 }),
  ),
})).value;

/** Arrays of objects sharing (some of) a column set: uniform, semi-uniform, sparse, nested. */
export const recordArray: fc.Arbitrary<JsonValue> = fc
  .tuple(fc.uniqueArray(key, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .chain(([cols, rows, presence]) =>
    fc.array(
      fc.tuple(...cols.map((c) => fc.tuple(fc.constant(c), fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(primitive, primitive, fc.array(primitive, { maxLength: 2 }), fc.dictionary(fc.constantFrom('x', 'y', 'z'), primitive, { maxKeys: 3 }), fc.array(fc.dictionary(fc.constantFrom('p', 'q', 'r'), fc.oneof(primitive, fc.array(fc.dictionary(fc.constantFrom('s', 't'), primitive, { maxKeys: 2 }), { maxLength: 2 })), { maxKeys: 3 }), { maxLength: 3 }))))),
      { minLength: rows, maxLength: rows },
    ).map((table) => table.map((row) => objectOf(row.filter(([, p]) => p <= presence).map(([c, , v]) => [c, v] as [string, JsonValue])))),
  );

/**
 * Rows that each keep a prefix of one column list, so trailing optional cells (and optional
 * groups) are absent in many rows; values repeat often enough for whole columns to be equal.
 */
export const prefixRecords: fc.Arbitrary<JsonValue> = fc
  .tuple(fc.uniqueArray(key, { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 8 }))
  .chain(([cols, rows]) => {
    const cell = fc.oneof(primitive, fc.constantFrom<JsonValue>('same', 7, true, null, ''), fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.oneof(primitive, fc.constant<JsonValue>('k')), { minKeys: 1, maxKeys: 3 }));
    const row = fc.tuple(fc.nat(cols.length), fc.array(cell, { minLength: cols.length, maxLength: cols.length }));
    return fc.array(row, { minLength: rows, maxLength: rows })
      .map((table) => table.map(([keep, values]) => objectOf(cols.slice(0, Math.max(keep, 1)).map((c, i) => [c, values[i] as JsonValue]))));
  });
