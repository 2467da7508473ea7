/**
 * JSON text in and out without losing a number: `JSON.parse` rounds 12345678901234567890 and
 * `JSON.stringify` writes -0 as 0 and refuses bigints. These keep both fast paths and take the
 * exact one only when a text or value needs it.
 */
import { decode } from './decode/index.js';
import { BACKSLASH, DASH, DOT, LBRACE, LBRACKET, LOWER_E, NINE, PLUS, QUOTE, RBRACE, RBRACKET, UPPER_E, ZERO } from './shared/chars.js';
import { DEFAULT_MAX_DEPTH } from './shared/constants.js';
import { jsonStringifyLoses } from './encode/index.js';
import { KtofNumber, numberText, type NumberMode } from './shared/exact-number.js';

/** What one pass over JSON text finds before it is parsed (scanJson). */
export interface JsonTextScan {
  /** The deepest nesting of arrays and objects (brackets inside strings do not count); counting stops past `stopAboveDepth`. */
  depth: number;
  /** Whether a number outside strings may be rounded by `JSON.parse` (see mayLoseNumbers). */
  longNumbers: boolean;
}

/** Digits and dots in a row from which a JSON number may round as a JS number. */
const LONG_NUMBER = 16;
/** Exponent digits from which a JSON number may overflow or underflow a JS number. */
const LONG_EXPONENT = 3;

/**
 * One pass over JSON text, allocating nothing: how deep it nests and whether it holds long
 * numbers (mayLoseNumbers), for a caller that must refuse deep text before parsing it (a server
 * reading request bodies). String contents are jumped over with indexOf, native and many times
 * faster than a loop over char codes, so text made mostly of strings, as prompts are, costs
 * little (a 3.9 MB body: under 8 ms, where a char-by-char scan for each took 70 ms together).
 * Invalid JSON gets some answer; JSON.parse refuses it after.
 */
export function scanJson(text: string, stopAboveDepth = Infinity): JsonTextScan {
  let depth = 0;
  let deepest = 0;
  let longNumbers = false;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= ZERO && c <= NINE) || (c === DOT && run > 0)) {
      if (++run >= LONG_NUMBER) longNumbers = true;
      continue;
    }
    if ((c === LOWER_E || c === UPPER_E) && run > 0) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === PLUS || sign === DASH) j++;
      const first = j;
      while (j < text.length && text.charCodeAt(j) >= ZERO && text.charCodeAt(j) <= NINE) j++;
      if (j - first >= LONG_EXPONENT) longNumbers = true;
      i = j - 1;
      run = 0;
      continue;
    }
    run = 0;
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end === -1) break;
      i = end;
    } else if (c === LBRACKET || c === LBRACE) {
      if (++depth > deepest && (deepest = depth) > stopAboveDepth) break;
    } else if (c === RBRACKET || c === RBRACE) depth--;
  }
  return { depth: deepest, longNumbers };
}

/** Index of the quote that closes the string opened at `open`, or -1 when it never closes. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * True when JSON text may hold a number `JSON.parse` would round: 16 or more digits and dots in
 * a row, or an exponent of three digits, outside strings (a string keeps its digits, whatever
 * they are).
 */
export function mayLoseNumbers(text: string): boolean {
  return scanJson(text).longNumbers;
}

export interface ParseJsonOptions {
  /** How a number a JS number cannot hold is returned: 'text' (default, a KtofNumber), 'bigint', or 'number' (rounded, as JSON.parse). */
  numbers?: NumberMode;
  /** Deepest nesting of the exact parse (default DEFAULT_MAX_DEPTH, 1000); deeper text throws a SyntaxError. */
  maxDepth?: number;
}

/**
 * JSON.parse that keeps every number: one a JS number would change comes back as a KtofNumber
 * (or a bigint, see `numbers`); `-0` stays -0. Invalid JSON throws JSON.parse's SyntaxError.
 */
export function parseJson(text: string, options?: ParseJsonOptions): unknown {
  const value: unknown = JSON.parse(text);
  const numbers = options?.numbers ?? 'text';
  if (numbers === 'number' || !mayLoseNumbers(text)) return value;
  // Valid JSON, so the KTOF reader (a superset of JSON) reads the same value, numbers exact. JSON's
  // white space around the value goes first: the reader takes an indented or tab-led first line
  // as KTOF structure (a leading tab made it read `\t{"id": 1…}` as a key and a string).
  try {
    return decode(text.trim(), { strict: false, numbers, maxDepth: options?.maxDepth ?? DEFAULT_MAX_DEPTH });
  } catch (error) {
    throw new SyntaxError(`cannot read this JSON's numbers exactly: ${(error as Error).message}`);
  }
}

/**
 * JSON text to embed as it is: `stringifyJson` writes `json` in place of the object (like the
 * proposed JSON.rawJSON). For a value already serialised elsewhere (e.g. on a worker thread),
 * so it is not parsed and serialised again. The text must be valid JSON; it is not checked.
 */
export class RawJson {
  constructor(readonly json: string) {}
}

/**
 * Whether `v` holds something JSON.stringify would write wrongly (-0, a bigint, a KtofNumber);
 * such a value also loses its KtofNumbers in a structured clone (postMessage).
 */
export function needsExactJson(v: unknown): boolean {
  if (v instanceof KtofNumber || v instanceof RawJson) return true;
  if (v === null || typeof v !== 'object') return jsonStringifyLoses(v);
  if (Array.isArray(v)) return v.some(needsExactJson);
  for (const k in v) if (Object.hasOwn(v, k) && needsExactJson((v as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * JSON.stringify(value, null, indent), writing -0, bigints and KtofNumbers with their exact
 * digits (`indent`: spaces per level; none: compact).
 */
export function stringifyJson(value: unknown, indent?: number): string {
  if (!needsExactJson(value)) return JSON.stringify(value, null, indent);
  return write(value, '', indent ? ' '.repeat(indent) : '', '\n') ?? 'null';
}

/** JSON.stringify's rules (toJSON, undefined and functions skipped in objects, null in arrays), numbers exact. */
function write(v: unknown, key: string, step: string, nl: string): string | undefined {
  if (v instanceof RawJson) return v.json;
  if (v instanceof KtofNumber || typeof v === 'bigint') return numberText(v);
  if (typeof v === 'number') return v - v === 0 ? numberText(v) : 'null';
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return write((v as { toJSON: (key: string) => unknown }).toJSON(key), key, step, nl);
  }
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = step ? nl + step : '';
  const open = step ? inner : '';
  const close = step ? nl : '';
  const parts: string[] = [];
  if (Array.isArray(v)) {
    v.forEach((item, i) => parts.push(write(item, String(i), step, inner) ?? 'null'));
    return parts.length ? `[${open}${parts.join(`,${open}`)}${close}]` : '[]';
  }
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const text = write((v as Record<string, unknown>)[k], k, step, inner);
    if (text !== undefined) parts.push(`${JSON.stringify(k)}:${step ? ' ' : ''}${text}`);
  }
  return parts.length ? `{${open}${parts.join(`,${open}`)}${close}}` : '{}';
}
