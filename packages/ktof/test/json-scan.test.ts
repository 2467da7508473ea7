/**
 * scanJson, the pass a server makes over a body before JSON.parse: skipping string contents with
 * indexOf, it must find the same depth as a char-by-char walk, and long numbers exactly where the
 * char-by-char rule finds them once digits inside strings are left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayLoseNumbers, scanJson } from '../src/index.js';

/** The walk the scan replaced: every char code, a backslash in a string skipping the next one. */
function referenceDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return deepest;
}

/** The char-by-char number rule the scan replaced: 16+ digits and dots in a row, or a 3-digit exponent. */
function referenceLongNumbers(text: string): boolean {
  return /[0-9][0-9.]{15}|[0-9]\.*[eE][+-]?[0-9]{3}/.test(text);
}

/** The text with every string's contents replaced by `x`s of the same length: what is outside strings. */
function outsideStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, (s) => '"' + 'x'.repeat(s.length - 2) + '"');
}

/** Number texts from JSON's grammar, long and short, with exponents of any width. */
const numberText = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,24}$/)),
    fc.option(fc.stringMatching(/^[0-9]{1,20}$/), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,4}$/)), { nil: undefined }),
  )
  .map(([sign, int, frac, exp]) => `${sign}${int}${frac === undefined ? '' : '.' + frac}${exp === undefined ? '' : exp.join('')}`);

/** Strings that fight the skipping: quotes, runs of backslashes, brackets and digits inside. */
const trickyString = fc.array(fc.constantFrom('"', '\\', '\\\\', '[', ']', '{', '}', '12345678901234567', '1e999', 'a', ' ', 'é', '\u2028'), { maxLength: 12 }).map((parts) => JSON.stringify(parts.join('')));

/** JSON texts built from those pieces, nested, with white space between tokens. */
const jsonText: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, numberText, trickyString, fc.constantFrom('true', 'null'), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(' ,')}]`),
  object: fc.array(fc.tuple(trickyString, tie('value')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${k}: ${v}`).join(',')}}`),
})).value as fc.Arbitrary<string>;

describe('scanJson', () => {
  it('property: the depth of the char-by-char walk, and long numbers where the char-by-char rule sees them outside strings', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const scan = scanJson(text);
        expect(scan.depth).toBe(referenceDepth(text));
        expect(scan.longNumbers).toBe(referenceLongNumbers(outsideStrings(text)));
        expect(mayLoseNumbers(text)).toBe(scan.longNumbers);
      }),
      { numRuns: 2_000 },
    );
  });

  it('finds the numbers JSON.parse would change, and none in strings', () => {
    expect(scanJson('{"id":12345678901234567890}').longNumbers).toBe(true);
    expect(scanJson('[9007199254740993]').longNumbers).toBe(true);
    expect(scanJson('[1e400]').longNumbers).toBe(true);
    expect(scanJson('[1.5e-7, 42, 3.14159]').longNumbers).toBe(false);
    expect(scanJson('{"phone":"12345678901234567890","a\\"[[":"\\\\"}').longNumbers).toBe(false);
    expect(scanJson('{"a\\"[[":"\\\\","b":[[1]]}').depth).toBe(3);
  });

  it('stops counting past the limit it is given', () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    expect(scanJson(deep, 1_024).depth).toBe(1_025);
    expect(scanJson(deep).depth).toBe(5_000);
  });
});
