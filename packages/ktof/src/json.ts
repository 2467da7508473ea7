/**
 * JSON text in and out without losing a number: `JSON.parse` rounds 12345678901234567890 and
 * `JSON.stringify` writes -0 as 0 and refuses bigints. These keep both fast paths and take the
 * exact one only when a text or value needs it.
 */
import { decode } from './decode/index.js';
import { DEFAULT_MAX_DEPTH } from './shared/constants.js';
import { jsonStringifyLoses } from './encode/index.js';
import { KtofNumber, numberText, type NumberMode } from './shared/exact-number.js';

/**
 * True when JSON text may hold a number `JSON.parse` would round: 16 or more digits and dots in
 * a row, or an exponent of three digits. Strings may match too (a long digit run in a phone
 * number or hash); they only cost the exact parse.
 */
export function mayLoseNumbers(text: string): boolean {
  // One pass over char codes: a regex retried at every digit cost 20 ms on a 1.7 MB table.
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c === 46 && run > 0)) {
      if (++run >= 16) return true;
      continue;
    }
    if ((c === 101 || c === 69) && run > 0) {
      // An exponent: three or more digits after an optional sign.
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      let digits = 0;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) { j++; digits++; }
      if (digits >= 3) return true;
    }
    run = 0;
  }
  return false;
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
