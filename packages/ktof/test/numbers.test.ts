import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, KtofNumber, mayLoseNumbers, parseJson, stringifyJson } from '../src/index.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);

/** A number text from JSON's grammar: -?int(.frac)?(e[+-]?exp)?, long digit runs included. */
const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
const numberText = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant('0'), fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 40)).map(([a, b]) => `${a}${b}`)),
    fc.option(digits(1, 30), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 4)), { nil: undefined }),
  )
  .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac !== undefined ? `.${frac}` : ''}${exp ? exp.join('') : ''}`);

/** The exact rational value of a JSON number text, as a comparable [numerator, power of ten] pair. */
function exactValue(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const mantissa = BigInt(`${m[2]}${m[3] ?? ''}`);
  const exponent = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  if (mantissa === 0n) return m[1] ? '-0' : '0';
  let n = mantissa;
  let e = exponent;
  while (n % 10n === 0n) { n /= 10n; e++; }
  return `${m[1]}${n}e${e}`;
}

/** The exact value a decoded number stands for. */
function valueOf(v: unknown): string {
  if (v instanceof KtofNumber) return exactValue(v.text);
  if (typeof v === 'bigint') return exactValue(v.toString());
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : exactValue(String(v).replace(/e\+/, 'e'));
  throw new Error(`not a number: ${String(v)}`);
}

describe('numbers a JS number cannot hold', () => {
  it('keep their exact value through parseJson, encode, decode and stringifyJson', () => {
    fc.assert(fc.property(numberText, (text) => {
      const json = `{"rows":[{"id":${text},"n":1},{"id":2,"n":${text}}],"v":${text}}`;
      const value = parseJson(json) as { v: unknown };
      expect(valueOf(value.v)).toBe(exactValue(text));
      const back = decode(encode(value), { numbers: 'text' }) as { v: unknown };
      expect(valueOf(back.v)).toBe(exactValue(text));
      const again = parseJson(stringifyJson(back)) as { v: unknown };
      expect(valueOf(again.v)).toBe(exactValue(text));
    }), { seed, numRuns: 1500 });
  });

  it('parseJson reads the same value whatever JSON white space surrounds the text', () => {
    const space = fc.array(fc.constantFrom(' ', '\t', '\n', '\r'), { maxLength: 4 }).map((c) => c.join(''));
    fc.assert(fc.property(numberText, space, space, (text, before, after) => {
      const json = `{"id":${text},"rows":[${text},1]}`;
      // A leading tab once made the exact reader take `\t{"id"` for a key: a wrong value, no error.
      expect(stringifyJson(parseJson(`${before}${json}${after}`))).toBe(stringifyJson(parseJson(json)));
      expect(valueOf((parseJson(`${before}${json}${after}`) as { id: unknown }).id)).toBe(exactValue(text));
    }), { seed, numRuns: 500 });
  });

  it('come back as the number itself whenever a JS number holds them', () => {
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true })), (n) => {
      const text = Object.is(n, -0) ? '-0' : String(n);
      const decoded = decode(`v: ${text}`, { numbers: 'text' }) as { v: unknown };
      expect(Object.is(decoded.v, n)).toBe(true);
    }), { seed, numRuns: 1000 });
  });

  it('keeps ids beyond 2^53 and -0 digit for digit', () => {
    const json = '{"id":12345678901234567890,"next":9007199254740993,"zero":-0,"tiny":1e-400,"huge":1e400}';
    expect(stringifyJson(parseJson(json))).toBe(json);
    expect(encode(parseJson(json))).toBe('id: 12345678901234567890\nnext: 9007199254740993\nzero: -0\ntiny: 1e-400\nhuge: 1e400');
    expect(stringifyJson(decode(encode(parseJson(json)), { numbers: 'text' }))).toBe(json);
  });

  it("decode's numbers option: rounded by default, bigint for integers, KtofNumber for all", () => {
    const text = 'a: 12345678901234567890\nb: 0.1000000000000000000001\nc: 7';
    expect(decode(text)).toEqual({ a: 12345678901234567000, b: 0.1, c: 7 });
    expect(decode(text, { numbers: 'bigint' })).toEqual({ a: 12345678901234567890n, b: 0.1, c: 7 });
    expect(decode(text, { numbers: 'text' })).toEqual({ a: new KtofNumber('12345678901234567890'), b: new KtofNumber('0.1000000000000000000001'), c: 7 });
    expect(encode({ id: 12345678901234567890n, rows: [{ id: 1n }, { id: new KtofNumber('18446744073709551615') }] })).toBe('id: 12345678901234567890\nrows[2]{id}:\n1\n18446744073709551615');
    expect(() => new KtofNumber('01')).toThrow(TypeError);
    expect(() => decode(text, { numbers: 'exact' as never })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});

describe('wide table headers', () => {
  const wide = (n: number) => {
    const cols = Array.from({ length: n }, (_, i) => `c${i}`);
    return `[1]{${cols.join(',')}}:\n${cols.map((_, i) => i).join(',')}`;
  };
  const time = (text: string) => {
    // The best of five: a busy machine can stall a run or two, rarely all of them.
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      decode(text);
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };

  it('decode in time linear in the column count (8x the columns, far less than 64x the time)', () => {
    const small = time(wide(4_000));
    const large = time(wide(32_000));
    // Quadratic parsing (a scan of earlier names per column) made this ratio about 64.
    expect(large / small).toBeLessThan(24);
  });

  it('are refused past maxColumns with a message naming the limit', () => {
    expect(() => decode(wide(101), { maxColumns: 100 })).toThrow(/the header lists more than 100 columns/);
    expect(decode(wide(100), { maxColumns: 100 })).toHaveLength(1);
    expect(() => decode('a[1]{x,y{z,w}}:\n1,2,3', { maxColumns: 3 })).toThrow(/more than 3 columns/);
  });
});

describe('stringifyJson', () => {
  it('writes what JSON.stringify writes, compact and indented, for any JSON value', () => {
    // Through JSON text first: a generated -0 becomes 0, which both writers then agree on.
    fc.assert(fc.property(fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown), fc.constantFrom(undefined, 2, 4), (value, indent) => {
      // A -0 anywhere forces the exact writer; it must agree with JSON.stringify apart from the sign.
      const withZero = [value, -0];
      expect(stringifyJson(withZero, indent)).toBe(JSON.stringify(withZero, null, indent).replace(/0(\s*)\]$/, '-0$1]'));
      expect(stringifyJson(value, indent)).toBe(JSON.stringify(value, null, indent));
    }), { seed, numRuns: 500 });
  });
});

describe('mayLoseNumbers', () => {
  it('flags every text holding a number JSON.parse would change', () => {
    fc.assert(fc.property(numberText, fc.constantFrom('', ' ', '[', '{"a":'), (text, before) => {
      const json = `${before}${text}`;
      const n = Number(text);
      const kept = Object.is(n, -0) || (Number.isFinite(n) && exactValue(text) === exactValue(n === 0 ? '0' : String(n).replace(/e\+/, 'e')));
      if (!kept) expect(mayLoseNumbers(json)).toBe(true);
    }), { seed, numRuns: 2000 });
    expect(mayLoseNumbers('{"a":1.5,"b":[1,2,3],"c":"2024-01-05"}')).toBe(false);
  });
});

describe('maxKeys', () => {
  const wideObject = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

  it('refuses objects with more keys, in every form the decoder reads and in the encoder', () => {
    const ok = wideObject(5);
    const big = wideObject(6);
    for (const text of [encode(big), JSON.stringify(big), `[6:]{v}:\n${Object.keys(big).map((k, i) => `${k}: ${i}`).join('\n')}`, `x: ${JSON.stringify(big)}`]) {
      expect(() => decode(text, { maxKeys: 5 }), text).toThrow(/an object has more than 5 keys/);
    }
    expect(decode(encode(ok), { maxKeys: 5 })).toEqual(ok);
    expect(decode(JSON.stringify(ok), { maxKeys: 5 })).toEqual(ok);
    expect(() => encode({ a: big }, { maxKeys: 5 })).toThrow(/cannot encode a: an object has 6 keys, more than 5/);
    expect(encode(ok, { maxKeys: 5 })).toBe(encode(ok));
  });
});
