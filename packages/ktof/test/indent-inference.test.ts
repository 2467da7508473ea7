/** Decoding without an indent option reads the indentation unit from the document itself. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, decodeStream, encode, KtofDecodeError, stringifyJson } from '../src/index.js';

const nested = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { minKeys: 1, maxKeys: 5 });

describe('indentation read from the text', () => {
  it('property: KTOF written with any indent decodes without saying which, whole and streamed', async () => {
    await fc.assert(
      fc.asyncProperty(nested, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 7 }), async (value, indent, chunk) => {
        // Compared as exact JSON text (key order included): the codec keeps -0, which a JSON.parse(JSON.stringify()) copy turns into 0.
        const expected = stringifyJson(value);
        const text = encode(value, { indent });
        expect(stringifyJson(decode(text))).toBe(expected);
        const chunks = Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => text.slice(i * chunk, (i + 1) * chunk));
        expect(stringifyJson(await decodeStream(chunks))).toBe(expected);
      }),
    );
  });

  it('holds later lines to the unit of the first indented line, as strictly as an indent option', () => {
    expect(decode('a:\n    b:\n        c: 1\n    d: 2')).toEqual({ a: { b: { c: 1 }, d: 2 } });
    expect(decode('a:\n   b: 1')).toEqual({ a: { b: 1 } });
    const error = (() => {
      try {
        decode('a:\n    b:\n      c: 1');
      } catch (e) {
        return e as KtofDecodeError;
      }
      throw new Error('decoded');
    })();
    expect(error).toBeInstanceOf(KtofDecodeError);
    expect([error.line, error.message]).toEqual([3, expect.stringMatching(/multiple of 4 spaces, found 6/)]);
    // An explicit option still wins over what the text shows.
    expect(() => decode('a:\n    b: 1', { indent: 3 })).toThrow(/multiple of 3 spaces, found 4/);
    expect(decode('a:\n    b: 1', { indent: 4, strict: false })).toEqual({ a: { b: 1 } });
  });
});
