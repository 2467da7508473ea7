import {
  BACKSLASH, COLON, COMMA, DASH, EQUALS, HASH, LBRACE, LBRACKET, PIPE, QMARK, QUOTE, RBRACE, RBRACKET, SEMICOLON, SPACE, TAB,
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
  return (stringBits(s) & unsafeBits(slot, delimiterBit(String.fromCharCode(delim)))) === 0;
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
      || c === LBRACE || c === RBRACE || c === QMARK || c === PIPE || c === SEMICOLON || c === TAB || c === EQUALS) return false;
  }
  return true;
}

/** JSON string quoting; the decoder accepts every JSON escape. */
export const quote: (s: string) => string = JSON.stringify;

/** What a string holds, as bits: computed once per string and reused for every slot decision. */
export const enum Bits {
  /** Must be quoted in every position (empty, edge space, control chars, `"`/`\`, literal- or number-like, leading `[{#-`). */
  Quote = 1,
  Comma = 2,
  Colon = 4,
  /** `{ } [ ]` */
  Bracket = 8,
  Pipe = 16,
  Semicolon = 32,
}

/** Bits each ASCII character contributes wherever it stands (see Bits); other characters add none. */
const CHAR_BITS = new Uint8Array(128);
for (let c = 0; c < SPACE; c++) CHAR_BITS[c] = Bits.Quote;
CHAR_BITS[QUOTE] = Bits.Quote;
CHAR_BITS[BACKSLASH] = Bits.Quote;
CHAR_BITS[COMMA] = Bits.Comma;
CHAR_BITS[COLON] = Bits.Colon;
CHAR_BITS[LBRACE] = CHAR_BITS[RBRACE] = CHAR_BITS[LBRACKET] = CHAR_BITS[RBRACKET] = Bits.Bracket;
CHAR_BITS[PIPE] = Bits.Pipe;
CHAR_BITS[SEMICOLON] = Bits.Semicolon;

/** Characters that add a bit (see CHAR_BITS). */
const SPECIAL = /[\x00-\x1f"\\,:{}[\]|;]/;
/** Strings longer than this are first checked with SPECIAL. */
const LONG = 32;

/** Classifies `s` (see Bits); `isSafeUnquoted` answers from these bits for any slot. */
export function stringBits(s: string): number {
  const n = s.length;
  if (n === 0) return Bits.Quote;
  const first = s.charCodeAt(0);
  if (isEdgeSpace(first) || isEdgeSpace(s.charCodeAt(n - 1))) return Bits.Quote;
  if (first === LBRACKET || first === LBRACE || first === HASH || first === DASH) return Bits.Quote;
  if (n <= 5 && (s === 'true' || s === 'false' || s === 'null')) return Bits.Quote;
  if (((first >= 48 && first <= 57) || first === 43 || first === 46) && looksNumeric(s)) return Bits.Quote;
  // Long text (descriptions, messages) mostly has none of these characters, which one native scan
  // says fastest; short values, the bulk of a document, are faster classified by the loop below.
  if (n > LONG && !SPECIAL.test(s)) return 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) bits |= CHAR_BITS[c] as number;
  }
  return bits & Bits.Quote ? Bits.Quote : bits;
}

/** The bits that force quoting at `slot`; `delimBit` is the active delimiter's bit (cells). */
export function unsafeBits(slot: Slot, delimBit: number): number {
  switch (slot) {
    case Slot.Field: return Bits.Quote;
    case Slot.Cell: return Bits.Quote | delimBit;
    case Slot.Item: return Bits.Quote | Bits.Colon;
    default: return Bits.Quote | Bits.Comma | Bits.Colon | Bits.Bracket;
  }
}

/** The Bits flag of a delimiter character (tab is a control character, so always quoted). */
export function delimiterBit(delim: string): number {
  return delim === ',' ? Bits.Comma : delim === '|' ? Bits.Pipe : delim === ';' ? Bits.Semicolon : 0;
}
