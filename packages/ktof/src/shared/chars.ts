// Character codes used by the scanners (charCodeAt comparisons, no regex per character).
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const HASH = 35;
export const PLUS = 43;
export const COMMA = 44;
export const DASH = 45;
export const DOT = 46;
export const ZERO = 48;
export const NINE = 57;
export const COLON = 58;
export const SEMICOLON = 59;
export const EQUALS = 61;
export const UPPER_E = 69;
export const QMARK = 63;
export const LBRACKET = 91;
export const BACKSLASH = 92;
export const RBRACKET = 93;
export const LOWER_E = 101;
export const LBRACE = 123;
export const PIPE = 124;
export const RBRACE = 125;

/** Delimiters a header may declare inside its brackets (comma is the unmarked default). */
export const DELIMITERS = [',', '\t', '|', ';'] as const;

/** Characters allowed in a length marker such as `[#3]`. */
export const MARKER_CHARS = '#~^@$%&*!=+';

/** True for characters that count as whitespace at the edge of an unquoted token. */
export function isEdgeSpace(code: number): boolean {
  return code <= SPACE || code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a)
    || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** '+' or '-' */
export function isSign(code: number): boolean {
  return code === 43 || code === 45;
}
