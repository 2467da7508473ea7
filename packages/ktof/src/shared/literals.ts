import { DASH, DOT, ZERO, NINE, isSign } from './chars.js';

/** True when s[start, end) is a JSON number token (no leading zeros, digits after '.', exponent digits). */
export function isJsonNumber(s: string, start: number, end: number): boolean {
  let i = start;
  if (i < end && s.charCodeAt(i) === DASH) i++;
  if (i >= end) return false;
  let c = s.charCodeAt(i);
  if (c === ZERO) i++;
  else if (c > ZERO && c <= NINE) {
    i++;
    while (i < end && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
  } else return false;
  if (i < end && s.charCodeAt(i) === DOT) {
    const digits = ++i;
    while (i < end && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
    if (i === digits) return false;
  }
  if (i < end && ((c = s.charCodeAt(i)) === 101 || c === 69)) {
    i++;
    if (i < end && isSign(s.charCodeAt(i))) i++;
    const digits = i;
    while (i < end && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
    if (i === digits) return false;
  }
  return i === end;
}

/**
 * True for strings a reader could take for a number: `42`, `-3.5`, `05`, `+1`, `1e5`, `.5`.
 * The encoder quotes them so they stay strings (and look like strings to a model).
 */
export function looksNumeric(s: string): boolean {
  let i = 0;
  const n = s.length;
  let c = s.charCodeAt(0);
  if (c === DASH || c === 43) { i++; c = s.charCodeAt(i); }
  if (c === DOT) { i++; c = s.charCodeAt(i); }
  if (!(c >= ZERO && c <= NINE)) return false;
  while (i < n && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
  if (i < n && c === DOT) { i++; while (i < n && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++; }
  if (i < n && (c === 101 || c === 69)) {
    i++;
    if (i < n && isSign(s.charCodeAt(i))) i++;
    while (i < n && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
  }
  return i === n;
}

/** Formats a finite number so that it reads back identically (keeps `-0`). */
export function formatNumber(n: number): string {
  return n === 0 && 1 / n < 0 ? '-0' : String(n);
}
