import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, KtofDecodeError, KtofEncodeError } from '../src/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);

function decodeError(text: string, options?: { strict?: boolean; maxDepth?: number }): KtofDecodeError {
  try {
    decode(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(KtofDecodeError);
    return error as KtofDecodeError;
  }
  return expect.fail(`expected a KtofDecodeError for ${JSON.stringify(text)}`);
}

describe('hostile input to the decoder', () => {
  it('throws only KtofDecodeError, whatever the bytes', () => {
    const alphabet = fc.constantFrom('a', 'b', ':', ' ', '  ', '\n', '\t', ',', '|', '"', '\\', '[', ']', '{', '}', '-', '#', '?', '1', '0', 'e', 'u', 'null', '[2]', '{x,y}', '[3:]', '[]', '- ', 'k: ');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), fc.boolean(), (text, strict) => {
      try {
        decode(text, { strict });
      } catch (error) {
        if (!(error instanceof KtofDecodeError)) throw error;
        expect(error.line).toBeGreaterThanOrEqual(0);
      }
    }), { seed, numRuns: 3000 });
  });

  it('never allocates from a declared length', () => {
    const e = decodeError('items[999999999]{a,b}:\n  1,2');
    expect(e.message).toMatch(/declares 999999999 rows but 1 follow/);
    expect(decodeError('x[999999999999999999999]: 1').message).toMatch(/too large/);
  });

  it('caps nesting depth with a clear error', () => {
    const deep = '['.repeat(50) + ']'.repeat(50);
    expect(decodeError(deep, { maxDepth: 10 }).message).toMatch(/maxDepth \(10\)/);
    expect(decodeError('['.repeat(100_000) + ']'.repeat(100_000)).message).toMatch(/maxDepth/);
    let nested = '';
    for (let i = 0; i < 30; i++) nested += ' '.repeat(i * 2) + `k${i}:\n`;
    expect(decodeError(nested + ' '.repeat(60) + 'x: 1', { maxDepth: 5 }).message).toMatch(/maxDepth/);
  });

  it('counts every container toward maxDepth as the encoder does, also those no line opens', () => {
    // [text, containers nesting in its value]: accepted at that maxDepth, refused one below.
    const cases: [string, number][] = [
      ['a:', 2], // an empty nested object
      ['a:\n  b: 1', 2],
      ['k[2]: 1,2', 2], // a primitive array on its key's line
      ['k[2]: [1],[2]', 3],
      ['[2]{a}:\n1\n2', 2], // table rows
      ['[2]{a}:\n  {x:1}\n  {x:2}', 3], // inline JSON in a cell
      ['[1]{a{b}}:\n1', 3], // a column group
      ['[1]{a{b}}:\n[1]', 4], // inline JSON in a group's cell
      ['[1]{id,s[]{a}}:\n1\n  x', 4], // a sub-table: the row's array and its rows
      ['k[1:]{a}:\nx: 1', 3], // a keyed table
      ['[2][]:\n  1,2\n  3', 2], // matrix rows
      ['[1]:\n  - [2]: [1],[2]', 3],
      ['[1]:\n  - ', 2], // an empty object as a list item
      ['[1]:\n  - a: 1', 2],
      ['[1]:\n  - [1]: 1', 2],
      ['{a:[{}]}', 3],
    ];
    for (const [text, depth] of cases) {
      expect(() => decode(text, { maxDepth: depth }), text).not.toThrow();
      expect(decodeError(text, { maxDepth: depth - 1 }).code, text).toBe('too_deep');
    }
    expect(() => encode([{ a: { x: 1 } }], { maxDepth: 2 })).toThrow(/maxDepth \(2\)/);
  });

  it('keeps __proto__ and constructor as plain keys', () => {
    const v = decode('__proto__:\n  polluted: true\nconstructor: 1\nrows[1]{__proto__}:\n  x\ninline: {__proto__:{a:1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor', 'rows', 'inline']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(v.inline as object, '__proto__')).toBe(true);
  });

  it('says what was expected, with line and column', () => {
    const e = decodeError('a: 1\nb: "open');
    expect([e.line, e.column]).toEqual([2, 4]);
    expect(e.message).toMatch(/expected a closing "/);
    expect(decodeError('a: 1\nplain line').message).toMatch(/expected "key: value"/);
    expect(decodeError('t[2]{a,b}:\n  1,2,3\n  4,5').message).toMatch(/more cells/);
    expect(decodeError('t[2]{a,b}:\n  1\n  4,5').message).toMatch(/fewer cells/);
    expect(decodeError('x: {a:1').message).toMatch(/expected "," or "}"/);
    expect(decodeError('x: "\\q"').message).toMatch(/invalid escape/);
  });

  it('runs in linear time on pathological lines (no backtracking)', () => {
    const long = 'a'.repeat(200_000);
    // Baseline measured in this run: a well-formed line of the same length. Backtracking would
    // make the pathological lines quadratic, thousands of times slower, not a few.
    const timed = (fn: () => void) => {
      const start = performance.now();
      fn();
      return performance.now() - start;
    };
    // Both sides the best of three: a busy machine can stall any one run by more than the bound,
    // but not the quadratic cost, which every run pays.
    const baseline = Math.min(...[0, 1, 2].map(() => timed(() => decode(`k: "${long}"`))));
    const pathological = Math.min(
      ...[0, 1, 2].map(() =>
        timed(() => {
          decodeError(`k: "${long}`);
          decode(`k: ${long}`);
          decode(`t[1]{a}:\n  ${long}`);
        }),
      ),
    );
    expect(pathological).toBeLessThan(50 * baseline + 100);
  });
});

describe('non-JSON input to the encoder', () => {
  const refused: [string, unknown][] = [
    ['undefined', undefined], ['a function', () => 1], ['a symbol', Symbol('s')], ['NaN', NaN],
    ['Infinity', -Infinity], ['undefined in an object', { a: undefined }], ['a Map', new Map()], ['a Set', { s: new Set([1]) }],
    // eslint-disable-next-line no-sparse-arrays
    ['a sparse array', [1, , 3]],
  ];
  for (const [name, value] of refused) {
    it(`refuses ${name} with KtofEncodeError`, () => {
      expect(() => encode(value)).toThrow(KtofEncodeError);
    });
  }

  it('refuses cycles, naming the path', () => {
    const a: Record<string, unknown> = { b: { c: 1 } };
    (a.b as Record<string, unknown>).self = a;
    expect(() => encode(a)).toThrow(/b\.self: the value contains a cycle/);
  });

  it('uses toJSON like JSON.stringify (Date -> ISO string)', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(decode(encode({ at: d }))).toEqual({ at: '2024-01-02T03:04:05.000Z' });
  });

  it('encodes a 5000-deep value or fails with a clear KtofEncodeError', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => encode(deep)).toThrow(/maxDepth \(1000\)/);
    // The message names the path without burying it: its middle is elided.
    expect(() => encode(deep)).toThrow(/^cannot encode \[0\]\[0\]\[0\]\[0\]…\(992 more\)…\[0\]\[0\]\[0\]\[0\]: nesting deeper/);
    const failure = (() => { try { encode({ config: { tiers: [{ limit: undefined }] } }); } catch (e) { return (e as Error).message; } })();
    expect(failure).toMatch(/^cannot encode config\.tiers\[0\]\.limit: /);
    let moderate: unknown = 1;
    for (let i = 0; i < 900; i++) moderate = { k: moderate };
    expect(decode(encode(moderate))).toEqual(moderate);
  });

  it('refuses unsupported options clearly', () => {
    expect(() => encode({ a: 1 }, { delimiter: 'x' })).toThrow(/unsupported delimiter "x"/);
    expect(() => encode({ a: 1 }, { indent: 0 })).toThrow(KtofEncodeError);
    expect(() => encode({ a: 1 }, { length_marker: '9' })).toThrow(/length marker/);
  });
});

describe('errors as fields', () => {
  it('a KtofDecodeError says where (line, column), what (reason) and which kind (code)', () => {
    const cases: [string, { strict?: boolean; maxDepth?: number } | undefined, string][] = [
      ['a: "open', undefined, 'malformed'],
      ['a:\n  b: 1\n   c: 2', undefined, 'indentation'],
      ['items[3]: 1,2', undefined, 'count_mismatch'],
      ['t[2]{a,b}:\n1,2\n3,4,5', undefined, 'count_mismatch'],
      ['a: 1\na: 2', undefined, 'duplicate_key'],
      ['t[1]{a,a}:\n1,2', undefined, 'duplicate_key'],
      ['[[[[1]]]]', { maxDepth: 2 }, 'too_deep'],
    ];
    for (const [text, options, code] of cases) {
      const e = decodeError(text, options);
      expect(e.code, text).toBe(code);
      expect(e.line).toBeGreaterThan(0);
      expect(e.column).toBeGreaterThan(0);
      expect(e.message).toBe(`line ${e.line}, column ${e.column}: ${e.reason}`);
    }
    expect(decodeError('a: 1', { maxDepth: 0 }).code).toBe('invalid_option');
    expect(decodeError(42 as unknown as string).code).toBe('invalid_input');
  });

  it('a KtofEncodeError carries its code, the path into the value and the depth limit', () => {
    const error = (value: unknown, options?: Parameters<typeof encode>[1]): KtofEncodeError => {
      try {
        encode(value, options);
      } catch (e) {
        expect(e).toBeInstanceOf(KtofEncodeError);
        return e as KtofEncodeError;
      }
      return expect.fail('expected a KtofEncodeError');
    };
    const notJson = error({ a: [1, undefined] });
    expect(notJson).toMatchObject({ code: 'not_json', path: 'a[1]' });
    expect(notJson.message).toBe(`cannot encode a[1]: ${notJson.reason}`);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(error(cyclic).code).toBe('cycle');
    // The root is the first of at most maxDepth nested containers, so a.b is the third: one too many.
    const deep = error({ a: { b: { c: {} } } }, { maxDepth: 2 });
    expect(deep).toMatchObject({ code: 'too_deep', limit: 2, path: 'a.b' });
    const wide = error({ a: { x: 1, y: 2, z: 3 } }, { maxKeys: 2 });
    expect(wide).toMatchObject({ code: 'too_large', limit: 2, path: 'a' });
    const option = error({}, { indent: 0 });
    expect(option).toMatchObject({ code: 'invalid_option', path: undefined });
    expect(option.message).toBe(option.reason);
  });
});
