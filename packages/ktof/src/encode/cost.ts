/**
 * The structural token model the writer decides layouts with. Layouts of the same data differ in
 * their structure (keys, indentation, delimiters, brackets, quotes), not in their values, so a
 * value costs a length-based guess that is the same in every layout, and structure is counted
 * the way BPE tokenizers such as o200k split it: a line break, an indentation run, a key, a
 * `:`/`,`/bracket each cost about one token; runs of empty cells (`,,,,`) merge by about four.
 * Nothing is scanned twice: costs are summed while writing. `countTokens` makes the final choice
 * against compact JSON exact.
 */

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
export function numberValueCost(n: number): number {
  if (!Number.isInteger(n) || n >= PLAIN_INTEGER_LIMIT || n <= -PLAIN_INTEGER_LIMIT) return numberCost(String(n));
  const negative = n < 0 || (n === 0 && 1 / n < 0); // -0 is written "-0"
  const abs = negative ? -n : n;
  let digits = 1;
  for (let p = 10; abs >= p; p *= 10) digits++;
  return digitGroups(negative ? digits + 1 : digits);
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

/** Stands for "inline never wins here" (a decisive table below). */
export const NEVER = Number.POSITIVE_INFINITY;
