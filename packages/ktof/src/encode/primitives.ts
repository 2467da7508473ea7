import { isEncodedNumber, numberText } from '../shared/exact-number.js';
import { isSafeKey, isSafeUnquoted, quote, Slot } from '../shared/quoting.js';
import type { JsonObject, JsonPrimitive, JsonValue } from '../shared/types.js';

/** A primitive as written at `slot` (bare when unambiguous there, JSON-quoted otherwise). */
export function writePrimitive(v: JsonPrimitive, slot: Slot, delim: number): string {
  if (typeof v === 'string') return isSafeUnquoted(v, slot, delim) ? v : quote(v);
  if (isEncodedNumber(v)) return numberText(v);
  return v === null ? 'null' : v ? 'true' : 'false';
}

/** True for JSON primitives. */
export function isPrimitive(v: JsonValue): v is JsonPrimitive {
  return v === null || typeof v !== 'object';
}

/** True for JSON objects (not arrays, not null). */
export function isObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * True when a container holds another container. One of primitives only costs no fewer tokens in
 * any block form (field lines, `key[N]: a,b`) than as inline JSON, so only these can gain from a
 * layout that takes them out of a table cell.
 */
export function holdsContainer(v: JsonValue[] | JsonObject): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item = v[i] as JsonValue;
      if (item !== null && typeof item === 'object') return true;
    }
    return false;
  }
  for (const k in v) {
    const value = v[k] as JsonValue;
    if (value !== null && typeof value === 'object' && Object.hasOwn(v, k)) return true;
  }
  return false;
}

/**
 * Relaxed JSON, the inline form any KTOF value position accepts: `{key:value,...}` / `[a,b]`,
 * keys and strings bare when safe, JSON-quoted otherwise. Recursion depth is bounded by the
 * normalizer's maxDepth. With `json`, everything is quoted: compact JSON that keeps `-0`.
 */
export function writeInline(v: JsonValue, json = false): string {
  if (v === null || typeof v !== 'object') {
    return json && typeof v === 'string' ? quote(v) : writePrimitive(v, Slot.Inline, 0);
  }
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      s += writeInline(v[i] as JsonValue, json);
    }
    return s + ']';
  }
  let s = '{';
  let first = true;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (!first) s += ',';
    first = false;
    s += (!json && isSafeKey(k) ? k : quote(k)) + ':' + writeInline(v[k] as JsonValue, json);
  }
  return s + '}';
}
