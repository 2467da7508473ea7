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
  return ((text.length + 2) / 3) | 0;
}

/** Quotes around a string cost about one token beyond its content. */
export const QUOTES = 1;

/** Array brackets in a header: `[N]` (digits grouped by three), or `[]` when lengths are omitted. */
export function bracketCost(length: number, withLength: boolean): number {
  return withLength ? 2 + numberCost(String(length)) : 1;
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
