import {
  BACKSLASH, COLON, COMMA, CR, LBRACE, LBRACKET, LF, QUOTE, RBRACE, RBRACKET, SPACE, TAB, ZERO, NINE, DASH,
} from '../shared/chars.js';
import { DEFAULT_MAX_DEPTH } from '../shared/constants.js';
import { KtofDecodeError, type KtofDecodeErrorCode } from '../shared/errors.js';
import { isJsonNumber } from '../shared/literals.js';
import { numberKeepsValue, readNumber, type NumberMode } from '../shared/exact-number.js';
import type { JsonObject, JsonPrimitive, JsonValue } from '../shared/types.js';

/** Marker for an empty table cell (absent key in an optional column, `""` otherwise). */
export const EMPTY: unique symbol = Symbol('empty-cell');
export type Cell = JsonValue | typeof EMPTY;

/** Sets an own enumerable property; `__proto__` becomes a plain key instead of changing the prototype. */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Types an unquoted token s[a, b): true/false/null, a finite JSON number, otherwise the string
 * itself. Under `numbers` 'bigint' or 'text', a number a JS number cannot hold comes back as a
 * bigint or KtofNumber (see exact-number.ts); by default it is rounded, and `1e999` is a string.
 */
export function tokenValue(s: string, a: number, b: number, numbers: NumberMode = 'number'): JsonPrimitive {
  const c = s.charCodeAt(a);
  const len = b - a;
  if (c === 116 && len === 4 && s.startsWith('true', a)) return true;
  if (c === 102 && len === 5 && s.startsWith('false', a)) return false;
  if (c === 110 && len === 4 && s.startsWith('null', a)) return null;
  if (((c >= ZERO && c <= NINE) || c === DASH) && isJsonNumber(s, a, b)) {
    const text = s.slice(a, b);
    const n = +text;
    if (numbers !== 'number' && !numberKeepsValue(text, n)) {
      const exact = readNumber(text, numbers);
      if (typeof exact !== 'number') return exact as unknown as JsonPrimitive;
    }
    if (n - n === 0) return n; // finite; `1e999` stays a string
  }
  return s.slice(a, b);
}

/**
 * A scanner over s[pos, end) that knows its line for error positions. One instance is reused for
 * every line; methods advance `pos`.
 */
export class Cursor {
  s = '';
  pos = 0;
  end = 0;
  line = 1;
  lineStart = 0;
  strict = true;
  /** DecodeOptions.maxDepth; `nest` applies it. */
  maxDepth = DEFAULT_MAX_DEPTH;
  /** Columns a table header may list, nested ones included; `columns` counts the current header's. */
  maxColumns = Infinity;
  columns = 0;
  /** Keys one object may hold (DecodeOptions.maxKeys). */
  maxKeys = Infinity;
  /** How numbers a JS number cannot hold are returned (DecodeOptions.numbers). */
  numbers: NumberMode = 'number';

  reset(s: string, pos: number, end: number, line: number, lineStart: number): void {
    this.s = s;
    this.pos = pos;
    this.end = end;
    this.line = line;
    this.lineStart = lineStart;
  }

  /** Throws a KtofDecodeError at `at` on the current line. */
  fail(reason: string, at: number = this.pos, code: KtofDecodeErrorCode = 'malformed'): never {
    throw new KtofDecodeError(reason, this.line, Math.max(1, at - this.lineStart + 1), code);
  }

  /** Skips ASCII spaces only (tabs may be delimiters). */
  spaces(): void {
    const { s, end } = this;
    let i = this.pos;
    while (i < end && s.charCodeAt(i) === SPACE) i++;
    this.pos = i;
  }

  /** Skips JSON whitespace inside inline values, tracking lines for multi-line JSON. */
  ws(): void {
    const { s, end } = this;
    let i = this.pos;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === SPACE || c === TAB || c === CR) continue;
      if (c === LF) {
        this.line++;
        this.lineStart = i + 1;
        continue;
      }
      break;
    }
    this.pos = i;
  }

  /** Reads a double-quoted string at `pos` (JSON escapes; TOON's are a subset). */
  quoted(): string {
    const { s, end } = this;
    const open = this.pos;
    let i = open + 1;
    for (;;) {
      if (i >= end) this.fail('unterminated string: expected a closing "', open);
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return s.slice(open + 1, i);
      }
      if (c === BACKSLASH) break;
      if (c === LF) this.fail('unterminated string: expected a closing " before the line break', open);
      i++;
    }
    let out = s.slice(open + 1, i);
    for (;;) {
      if (i >= end) this.fail('unterminated string: expected a closing "', open);
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return out;
      }
      if (c === LF) this.fail('unterminated string: expected a closing " before the line break', open);
      if (c !== BACKSLASH) {
        const start = i;
        while (i < end) {
          const d = s.charCodeAt(i);
          if (d === QUOTE || d === BACKSLASH || d === LF) break;
          i++;
        }
        out += s.slice(start, i);
        continue;
      }
      const e = i + 1 < end ? s.charCodeAt(i + 1) : -1;
      switch (e) {
        case 110: out += '\n'; break;
        case 116: out += '\t'; break;
        case 114: out += '\r'; break;
        case 34: out += '"'; break;
        case 92: out += '\\'; break;
        case 47: out += '/'; break;
        case 98: out += '\b'; break;
        case 102: out += '\f'; break;
        case 117: {
          let code = 0;
          for (let k = i + 2; k < i + 6; k++) {
            const h = k < end ? s.charCodeAt(k) : -1;
            const v = h >= 48 && h <= 57 ? h - 48 : h >= 97 && h <= 102 ? h - 87 : h >= 65 && h <= 70 ? h - 55 : -1;
            if (v < 0) this.fail('invalid escape: expected 4 hex digits after \\u', i);
            code = code * 16 + v;
          }
          out += String.fromCharCode(code);
          i += 6;
          continue;
        }
        default:
          this.fail('invalid escape: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX', i);
      }
      i += 2;
    }
  }

  /**
   * Reads a relaxed-JSON value (`{...}`, `[...]`, quoted or bare scalar) at `pos`; `depth` is the
   * level it would have as a container (see `nest`).
   */
  inline(depth: number): JsonValue {
    this.ws();
    const c = this.s.charCodeAt(this.pos);
    if (c === LBRACE) return this.inlineObject(depth);
    if (c === LBRACKET) return this.inlineArray(depth);
    if (c === QUOTE) return this.quoted();
    return this.inlineScalar();
  }

  private inlineScalar(): JsonPrimitive {
    const { s, end } = this;
    const start = this.pos;
    let i = start;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === COMMA || c === RBRACE || c === RBRACKET || c === LF) break;
      i++;
    }
    let b = i;
    while (b > start && isInlineSpace(s.charCodeAt(b - 1))) b--;
    if (b === start) this.fail('expected a value');
    this.pos = i;
    return tokenValue(s, start, b, this.numbers);
  }

  tooManyKeys(): never {
    return this.fail(`an object has more than ${this.maxKeys} keys`, this.pos, 'too_large');
  }

  /**
   * The decoder's one depth rule: a container at nesting `level` (the root value's is 1, its
   * children's 2) is refused when `level > maxDepth`. The encoder refuses a value in which more
   * than maxDepth containers nest, so with levels counted in the value, not in lines or frames,
   * decode accepts exactly the texts encode writes at the same limit. Where the syntax hides a
   * container, its opener counts it: a table header counts its rows, groups and sub-tables
   * (`Header.nests`) and a matrix header its rows; a `key[N]: a,b` array, an empty `key:`
   * object and an empty `- ` item count though no frame opens for them; a cell's inline value
   * sits one level below the row object (or row group) holding it.
   */
  nest(level: number): void {
    if (level > this.maxDepth) this.fail(`nesting deeper than maxDepth (${this.maxDepth}); raise the maxDepth option if this is intended`, this.pos, 'too_deep');
  }

  private inlineObject(depth: number): JsonObject {
    this.nest(depth);
    const { s } = this;
    const obj: JsonObject = {};
    this.pos++;
    this.ws();
    if (s.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return obj;
    }
    for (let keys = 1; ; keys++) {
      if (keys > this.maxKeys) this.tooManyKeys();
      this.ws();
      let key: string;
      if (s.charCodeAt(this.pos) === QUOTE) key = this.quoted();
      else {
        const start = this.pos;
        let i = start;
        while (i < this.end) {
          const c = s.charCodeAt(i);
          if (c === COLON || c === COMMA || c === LBRACE || c === RBRACE || c === LBRACKET || c === RBRACKET || c === QUOTE || c === LF) break;
          i++;
        }
        let b = i;
        while (b > start && isInlineSpace(s.charCodeAt(b - 1))) b--;
        if (b === start) this.fail('expected a key or "}"');
        key = s.slice(start, b);
        this.pos = i;
      }
      this.ws();
      if (s.charCodeAt(this.pos) !== COLON) this.fail(`expected ":" after key "${key}"`);
      this.pos++;
      const value = this.inline(depth + 1);
      if (this.strict && Object.hasOwn(obj, key)) this.fail(`duplicate key "${key}"`, this.pos, 'duplicate_key');
      setOwn(obj, key, value);
      this.ws();
      const c = s.charCodeAt(this.pos);
      this.pos++;
      if (c === COMMA) continue;
      if (c === RBRACE) return obj;
      this.fail('expected "," or "}" in inline object', this.pos - 1);
    }
  }

  private inlineArray(depth: number): JsonValue[] {
    this.nest(depth);
    const { s } = this;
    const arr: JsonValue[] = [];
    this.pos++;
    this.ws();
    if (s.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.inline(depth + 1));
      this.ws();
      const c = s.charCodeAt(this.pos);
      this.pos++;
      if (c === COMMA) continue;
      if (c === RBRACKET) return arr;
      this.fail('expected "," or "]" in inline array', this.pos - 1);
    }
  }

  /** Reads one cell up to the delimiter `delim` (or the end); leaves `pos` on the delimiter. */
  cell(delim: number, depth: number): Cell {
    const { s, end } = this;
    this.spaces();
    const start = this.pos;
    if (start >= end) return EMPTY;
    const c = s.charCodeAt(start);
    if (c === delim) return EMPTY;
    if (c === QUOTE || c === LBRACE || c === LBRACKET) {
      const v = c === QUOTE ? this.quoted() : this.inline(depth);
      this.spaces();
      if (this.pos < end && s.charCodeAt(this.pos) !== delim) this.fail(`expected the delimiter "${String.fromCharCode(delim)}" or the end of the line after a value`);
      return v;
    }
    let i = start + 1;
    while (i < end && s.charCodeAt(i) !== delim) i++;
    this.pos = i;
    let b = i;
    while (b > start && s.charCodeAt(b - 1) === SPACE) b--;
    if (b === start) return EMPTY;
    return tokenValue(s, start, b, this.numbers);
  }

  /** Reads the rest of the line as one value (after `key: `, a list marker or at the root). */
  rest(depth: number): JsonValue {
    const { s, end } = this;
    this.spaces();
    const start = this.pos;
    const c = s.charCodeAt(start);
    if (c === QUOTE || c === LBRACE || c === LBRACKET) {
      const v = c === QUOTE ? this.quoted() : this.inline(depth);
      this.spaces();
      if (this.pos < end) this.fail('unexpected text after the value; quote the whole value if it is one string');
      return v;
    }
    let b = end;
    while (b > start && s.charCodeAt(b - 1) === SPACE) b--;
    this.pos = end;
    return tokenValue(s, start, b, this.numbers);
  }
}

function isInlineSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === LF;
}
