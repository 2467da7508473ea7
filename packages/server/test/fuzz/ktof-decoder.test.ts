/**
 * Fuzzes the KTOF decoder for a few seconds: whatever the input (random text, KTOF-shaped token
 * soup, mutations of valid KTOF), decoding either returns a value or throws KtofDecodeError
 * with a line and column. Nothing else may escape: no RangeError, no TypeError, no hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, KtofDecodeError } from '@kaizen/ktof';
import { fuzz } from './fuzz.js';

function decodesOrFailsCleanly(text: string): void {
  try {
    decode(text);
  } catch (error) {
    if (!(error instanceof KtofDecodeError)) throw new Error(`decode threw ${(error as Error)?.name}: ${(error as Error)?.message} for ${JSON.stringify(text.slice(0, 200))}`);
    expect(Number.isInteger(error.line) && error.line >= 1).toBe(true);
    expect(Number.isInteger(error.column) && error.column >= 1).toBe(true);
  }
}

/** Pieces KTOF is made of, so random sequences reach deep into the grammar. */
const token = fc.oneof(
  fc.constantFrom('\n', '\n  ', '\n    ', '\n      ', '  ', '\t', ':', ': ', ',', '|', '-', '- ', '"', '\\', '\\"', '\\u', '\\u00e9', '\\n', '#'),
  fc.constantFrom('[', ']', '{', '}', '[0]', '[1]', '[2]', '[3]:', '[#2]', '[2|]', '[2\t]', '[999999999]', '[99999999999999999999]', '[-1]', '{a,b}', '{a}', '{"a b",c}'),
  fc.constantFrom('null', 'true', 'false', '0', '-0', '1e999', '1.5', '-', '00', '0x10', 'NaN', '""', '"a"', 'key', 'items', 'a b'),
  fc.string({ maxLength: 4 }),
);
const ktofSoup = fc.array(token, { maxLength: 60 }).map((parts) => parts.join(''));

/** Valid KTOF of random JSON, then damaged: characters deleted, duplicated or replaced. */
const mutatedKtof = fc
  .tuple(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'duplicate', 'replace'), fc.string({ minLength: 1, maxLength: 2 })), { maxLength: 6 }))
  .map(([value, edits]) => {
    let text = encode(value);
    for (const [at, kind, replacement] of edits) {
      if (text.length === 0) break;
      const i = at % text.length;
      text = kind === 'delete' ? text.slice(0, i) + text.slice(i + 1) : kind === 'duplicate' ? text.slice(0, i + 1) + text.slice(i) : text.slice(0, i) + replacement + text.slice(i + 1);
    }
    return text;
  });

describe('KTOF decoder fuzz', () => {
  it('only ever throws KtofDecodeError on arbitrary text', async () => {
    const runs = await fuzz('ktof arbitrary text', fc.property(fc.string({ unit: 'binary', maxLength: 200 }), decodesOrFailsCleanly), 1_500, 200);
    expect(runs).toBeGreaterThanOrEqual(200);
  });

  it('only ever throws KtofDecodeError on KTOF-shaped token soup', async () => {
    const runs = await fuzz('ktof token soup', fc.property(ktofSoup, decodesOrFailsCleanly), 2_000, 200);
    expect(runs).toBeGreaterThanOrEqual(200);
  });

  it('only ever throws KtofDecodeError on damaged valid KTOF', async () => {
    const runs = await fuzz('ktof mutations', fc.property(mutatedKtof, decodesOrFailsCleanly), 2_000, 200);
    expect(runs).toBeGreaterThanOrEqual(200);
  });

  it('survives pathological shapes', () => {
    for (const text of ['['.repeat(100_000), '{'.repeat(100_000), '- '.repeat(50_000), 'a:\n' + ' '.repeat(100_000) + 'b: 1', '"'.repeat(100_000), 'x[999999999]{' + 'a,'.repeat(10_000) + 'a}:', '\\'.repeat(100_000)]) {
      decodesOrFailsCleanly(text);
    }
  });
});
