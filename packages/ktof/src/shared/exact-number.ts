/**
 * Numbers a JS number cannot hold. JSON puts no bound on a number's digits: ids beyond 2^53
 * (snowflakes, tweet ids, account numbers) and long decimals are common, and `+text` silently
 * rounds them (12345678901234567890 reads as 12345678901234567000). The decoder can give such a
 * number back as a `bigint` or as a `KtofNumber` holding its own text, and the encoder writes
 * both with their exact digits.
 */
import { formatNumber, isJsonNumber } from './literals.js';

/** How the decoder returns a number a JS number cannot hold exactly. */
export type NumberMode = 'number' | 'bigint' | 'text';

/**
 * A JSON number kept as its text, e.g. `new KtofNumber('12345678901234567890')`. `decode` returns
 * one (with `numbers: 'text'`) only for a number whose value a JS number would change; `encode`
 * and `stringifyJson` write its text as it is.
 */
export class KtofNumber {
  readonly text: string;

  constructor(text: string) {
    if (typeof text !== 'string' || !isJsonNumber(text, 0, text.length)) throw new TypeError(`not a JSON number: ${String(text)}`);
    this.text = text;
  }

  /** The nearest JS number (may round: that is why this object exists). */
  valueOf(): number {
    return Number(this.text);
  }

  toString(): string {
    return this.text;
  }
}

/**
 * A JSON number text reduced to sign, significant digits and exponent (`-1.50e3` and `-1500`
 * both give `-15e2`), so two texts of one value compare equal.
 */
function canonical(text: string): string {
  let i = 0;
  const negative = text.charCodeAt(0) === 45;
  if (negative) i++;
  let e = text.length;
  let exponent = 0;
  const mark = text.search(/[eE]/);
  if (mark >= 0) {
    exponent = Number(text.slice(mark + 1));
    e = mark;
  }
  let digits = text.slice(i, e);
  const dot = digits.indexOf('.');
  if (dot >= 0) {
    exponent -= digits.length - dot - 1;
    digits = digits.slice(0, dot) + digits.slice(dot + 1);
  }
  let a = 0;
  while (a < digits.length - 1 && digits.charCodeAt(a) === 48) a++;
  let b = digits.length;
  while (b > a + 1 && digits.charCodeAt(b - 1) === 48) { b--; exponent++; }
  digits = digits.slice(a, b);
  if (digits === '0') return negative ? '-0' : '0';
  return `${negative ? '-' : ''}${digits}e${exponent}`;
}

/**
 * True when `+text` keeps the value of the JSON number `text`. Texts of at most 15 characters
 * without an exponent always do (a double holds any 15 significant digits), so only longer ones
 * pay for the comparison.
 */
export function numberKeepsValue(text: string, n: number): boolean {
  if (text.length <= 15 && !/[eE]/.test(text)) return true;
  if (n - n !== 0) return false; // 1e999: beyond the double range
  return canonical(text) === canonical(n === 0 && 1 / n < 0 ? '-0' : String(n));
}

/**
 * The value of a JSON number text s[a, b) under `mode`: a number when that keeps its value,
 * otherwise a bigint (integers, mode `bigint`) or a KtofNumber (mode `text`). Mode `number`, and
 * a non-integer under `bigint`, give the nearest number (NaN for a text beyond the double range).
 */
export function readNumber(text: string, mode: NumberMode): number | bigint | KtofNumber {
  const n = +text;
  if (mode === 'number' || numberKeepsValue(text, n)) return n;
  if (mode === 'text') return new KtofNumber(text);
  return /^-?\d+$/.test(text) ? BigInt(text) : n;
}

/**
 * A number inside the encoder: a JS number, a bigint, or a symbol whose description is the
 * text of a KtofNumber. The encoder's input check (normalize) turns each KtofNumber into such a
 * symbol, so every layout treats it as the primitive it is rather than as an object.
 */
export type EncodedNumber = number | bigint | symbol;

/** True for the numeric primitives of an encoder's value (see EncodedNumber). */
export function isEncodedNumber(v: unknown): v is EncodedNumber {
  const t = typeof v;
  return t === 'number' || t === 'bigint' || t === 'symbol';
}

/** The text of a numeric value: a number (keeping `-0`), a bigint, a KtofNumber's own text. */
export function numberText(v: EncodedNumber | KtofNumber): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint') return v.toString();
  return typeof v === 'symbol' ? (v.description as string) : v.text;
}
