import {
  BACKSLASH, COLON, COMMA, DASH, HASH, LBRACE, LBRACKET, PIPE, QMARK, QUOTE, RBRACE, RBRACKET, SEMICOLON, SPACE, TAB,
  isEdgeSpace,
} from './chars.js';
import { looksNumeric } from './literals.js';

/** Where an unquoted string would stand; each position has its own terminators. */
export const enum Slot {
  /** After `key: ` -- the rest of the line is the value. */
  Field = 0,
  /** A table cell or inline-array element, ended by the active delimiter. */
  Cell = 1,
  /** A list item or a root primitive, where `a: b` would read as an object. */
  Item = 2,
  /** Inside a relaxed-JSON `{...}`/`[...]`, ended by `,` `:` `}` `]`. */
  Inline = 3,
}

/**
 * True when `s` can be written without quotes at `slot` and read back as the same string.
 * `delim` is the active delimiter's char code (cells only).
 */
export function isSafeUnquoted(s: string, slot: Slot, delim: number): boolean {
  const n = s.length;
  if (n === 0) return false;
  const first = s.charCodeAt(0);
  if (isEdgeSpace(first) || isEdgeSpace(s.charCodeAt(n - 1))) return false;
  // `[`/`{` open inline values, `#` starts a comment line, `-` a list item (as in TOON).
  if (first === LBRACKET || first === LBRACE || first === HASH || first === DASH) return false;
  if (n <= 5 && (s === 'true' || s === 'false' || s === 'null')) return false;
  if (((first >= 48 && first <= 57) || first === 43 || first === 46) && looksNumeric(s)) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < SPACE || c === QUOTE || c === BACKSLASH) return false;
    if (slot === Slot.Field) continue;
    if (slot === Slot.Cell) {
      if (c === delim) return false;
    } else if (slot === Slot.Item) {
      if (c === COLON) return false;
    } else if (c === COMMA || c === COLON || c === LBRACE || c === RBRACE || c === LBRACKET || c === RBRACKET) {
      return false;
    }
  }
  return true;
}

/** True when an object key can be written bare in every position (field line, header, inline). */
export function isSafeKey(k: string): boolean {
  const n = k.length;
  if (n === 0) return false;
  const first = k.charCodeAt(0);
  if (isEdgeSpace(first) || isEdgeSpace(k.charCodeAt(n - 1)) || first === DASH || first === HASH) return false;
  for (let i = 0; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < SPACE || c === QUOTE || c === BACKSLASH || c === COLON || c === COMMA || c === LBRACKET || c === RBRACKET
      || c === LBRACE || c === RBRACE || c === QMARK || c === PIPE || c === SEMICOLON || c === TAB) return false;
  }
  return true;
}

/** JSON string quoting; the decoder accepts every JSON escape. */
export const quote: (s: string) => string = JSON.stringify;

/** A key as written: bare when safe, JSON-quoted otherwise. */
export function writeKey(k: string): string {
  return isSafeKey(k) ? k : quote(k);
}
