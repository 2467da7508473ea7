import { numberText, type EncodedNumber } from '../shared/exact-number.js';

/**
 * The structural token model the planner (plan.ts) decides layouts with. Layouts of the same data differ in
 * their structure (keys, indentation, delimiters, brackets, quotes), not in their values, so a
 * value costs a length-based guess that is the same in every layout, and structure is counted
 * the way BPE tokenizers such as o200k split it: a line break, an indentation run, a key, a
 * `:`/`,`/bracket each cost about one token; runs of empty cells (`,,,,`) merge by about four.
 * Costs are summed in the walk that plans (lines of cells are priced as they are written, see
 * lines.ts; other layouts are priced without building text). `countTokens` makes the final choice
 * against compact JSON exact.
 */

import type { JsonValue } from '../shared/types.js';

/** A string value written bare. */
export function stringCost(s: string): number {
  return s.length < 5 ? 1 : (s.length + 3) >> 2;
}

/** A number as written (`formatNumber` text): digits go in groups of three. */
export function numberCost(text: string): number {
  return digitGroups(text.length);
}

function digitGroups(length: number): number {
  return ((length + 2) / 3) | 0;
}

/** Integers below this print as plain digits (String switches to exponent form at 1e21). */
const PLAIN_INTEGER_LIMIT = 1e21;

/**
 * `numberCost(formatNumber(n))` without building the text: pricing a value (a list weighed
 * against a table, inline JSON weighed against lines) needs only its length, and most numbers
 * are integers, whose length is their digit count plus a sign.
 */
export function numberValueCost(n: EncodedNumber): number {
  if (typeof n !== 'number') return numberCost(numberText(n)); // a bigint or exact number text
  if (!Number.isInteger(n)) {
    const length = decimalLength(n);
    return length < 0 ? numberCost(String(n)) : digitGroups(length);
  }
  if (n >= PLAIN_INTEGER_LIMIT || n <= -PLAIN_INTEGER_LIMIT) return numberCost(String(n));
  const negative = n < 0 || (n === 0 && 1 / n < 0); // -0 is written "-0"
  const abs = negative ? -n : n;
  let digits = 1;
  for (let p = 10; abs >= p; p *= 10) digits++;
  return digitGroups(negative ? digits + 1 : digits);
}

/** 10^d for the decimals tried by decimalLength, all exact doubles. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** Scaled values below this are within 0.5 of their integer digits, so rounding recovers them. */
const EXACT_SCALED = 2 ** 51;

/**
 * `String(n).length` for a non-integer without formatting it (converting a double to text is
 * slow): String writes the shortest decimal that reads back as `n`, so its decimals are the
 * fewest `d` for which round(|n|·10^d) / 10^d === |n|, and the text is the integer part (at least
 * "0"), a dot and `d` digits. -1 where String may use an exponent (below 1e-6) or scaling would
 * not be exact; the caller then formats.
 */
function decimalLength(n: number): number {
  const abs = n < 0 ? -n : n;
  if (!(abs >= 1e-6)) return -1;
  for (let d = 1; d < POW10.length; d++) {
    const p = POW10[d] as number;
    const scaled = abs * p;
    if (scaled >= EXACT_SCALED) return -1;
    const m = Math.round(scaled);
    if (m / p === abs) {
      let digits = 1;
      for (let q = 10; m >= q; q *= 10) digits++;
      return (n < 0 ? 1 : 0) + Math.max(digits, d + 1) + 1;
    }
  }
  return -1;
}

/** Quotes around a string cost about one token beyond its content. */
export const QUOTES = 1;

/** Array brackets in a header: `[N]` (digits grouped by three), or `[]` when lengths are omitted. */
export function bracketCost(length: number, withLength: boolean): number {
  return withLength ? 2 + numberValueCost(length) : 1;
}

/** Delimiters of a row with `leaves` cells of which `present` hold a value: runs of empty cells merge. */
export function delimiterCost(leaves: number, present: number): number {
  if (leaves <= 1) return 0;
  const empty = leaves - present;
  return Math.min(leaves - 1, present + ((empty + 3) >> 2));
}

/** A nested non-empty container in inline JSON: its opening bracket merges with the `:`/`,` before it. */
export const NESTED_MERGE = 1;

/** The inline cost of `v` nested in inline JSON, from its own inline cost `c` (see NESTED_MERGE). */
export function nestedCost(v: JsonValue, c: number): number {
  return v !== null && typeof v === 'object' && c > 1 ? c - NESTED_MERGE : c;
}

/** Stands for "inline never wins here" (a decisive table below). */
export const NEVER = Number.POSITIVE_INFINITY;
