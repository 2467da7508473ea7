import { COLON, DELIMITERS, EQUALS, LBRACE, LBRACKET, MARKER_CHARS, PIPE, QMARK, QUOTE, RBRACE, RBRACKET, SEMICOLON, SPACE, TAB } from '../shared/chars.js';
import type { JsonPrimitive } from '../shared/types.js';
import { tokenValue, type Cursor } from './cursor.js';

/** A column of a table header: a leaf cell, a nested group `name{...}`, or a sub-table `name[]{...}`. */
export interface Field {
  name: string;
  /** `name?`: an empty cell means the key is absent. */
  optional: boolean;
  /** Nested column group (object flattened into cells), or the sub-table's columns. */
  children: Field[] | null;
  /** `name[]{...}`: an array of objects whose rows sit indented under each row (no cell). */
  sub: boolean;
  /** `name=value`: every row holds this primitive under `name` (no cell). */
  constant: { value: JsonPrimitive } | null;
}

/** A parsed array header `key[N<delim>]{fields}:` (key handled by the caller). */
export interface Header {
  /** Declared length, or -1 when omitted (`[]`). */
  length: number;
  /** `[N:]` -- an object whose entries are rows `key: cells` (TOON 4.4 keyed table). */
  keyed: boolean;
  /** `[N][]:` -- each row is an array of cells. */
  matrix: boolean;
  delim: number;
  fields: Field[] | null;
  leaves: number;
  /** The sub-table column, if the field list has one. */
  sub: Field | null;
  /**
   * Levels of containers the header declares below its array: 0 for `[N]:`, 1 for a matrix's
   * row arrays or a table's row objects, one more per group or sub-table level. The machine
   * counts them toward maxDepth when the header opens, since no line opens them (Cursor.nest).
   */
  nests: number;
}

const MAX_LENGTH_DIGITS = 15;

/**
 * Parses a header at cur.pos (on `[`). Returns null (pos unchanged) when the text is not shaped like
 * a header, so the caller can read it as an inline value or a key; throws on a malformed field list.
 * On success pos is just after the header's `:`.
 */
export function parseHeader(cur: Cursor): Header | null {
  const { s, end } = cur;
  const open = cur.pos;
  let i = open + 1;
  let marked = false;
  while (i < end && MARKER_CHARS.includes(s[i] as string) && s.charCodeAt(i) !== 0) { i++; marked = true; }
  const digits = i;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  let length = -1;
  // An over-long length is only an error once the text is known to be a header: `[1000000000000000]`
  // at the root or in a list item is the inline JSON array holding that number.
  let tooLarge = false;
  if (i > digits) {
    if (i - digits > 1 && s.charCodeAt(digits) === 48) return null; // leading zero: not a length
    if (i - digits > MAX_LENGTH_DIGITS) tooLarge = true;
    else length = +s.slice(digits, i);
  } else if (marked) return null;
  let keyed = false;
  if (s.charCodeAt(i) === COLON) { keyed = true; i++; }
  let delim = 44;
  const d = s.charCodeAt(i);
  if (d === TAB || d === PIPE || d === SEMICOLON) { delim = d; i++; }
  if (s.charCodeAt(i) !== RBRACKET) return null;
  i++;
  let matrix = false;
  if (s.charCodeAt(i) === LBRACKET && s.charCodeAt(i + 1) === RBRACKET) { matrix = true; i += 2; }
  let fields: Field[] | null = null;
  let leaves = 0;
  let sub: Field | null = null;
  if (s.charCodeAt(i) === LBRACE) {
    if (matrix) return null;
    if (tooLarge) cur.fail('array length is too large', digits);
    cur.pos = i;
    cur.columns = 0;
    fields = parseFields(cur, delim, 1, true);
    leaves = countLeaves(fields);
    for (const f of fields) {
      if (!f.sub) continue;
      if (sub) cur.fail('a header may have only one sub-table column name[]{...}', i);
      sub = f;
    }
    i = cur.pos;
  }
  while (i < end && s.charCodeAt(i) === SPACE) i++;
  if (s.charCodeAt(i) !== COLON) {
    cur.pos = open;
    if (fields) cur.fail('expected ":" after the field list of an array header', i);
    return null;
  }
  if (tooLarge) cur.fail('array length is too large', digits);
  if (keyed && !fields) cur.fail('a keyed header [N:] needs a field list {...}', i);
  cur.pos = i + 1;
  if (sub && keyed) cur.fail('sub-table columns are not allowed in keyed headers [N:]', i);
  return { length, keyed, matrix, delim, fields, leaves, sub, nests: fields ? rowNesting(fields) : matrix ? 1 : 0 };
}

/**
 * The field list at cur.pos (on `{`). `nests`: levels its objects sit below the header's array;
 * beyond maxDepth the header could only declare a value too deep, so the recursion stops there.
 */
function parseFields(cur: Cursor, delim: number, nests: number, top: boolean): Field[] {
  cur.nest(nests);
  const { s, end } = cur;
  const fields: Field[] = [];
  // A set, not a scan of `fields`: a scan made a header of n columns cost n² (50,000 columns: 8 s).
  const names = cur.strict ? new Set<string>() : null;
  cur.pos++; // '{'
  for (;;) {
    cur.spaces();
    let name: string;
    if (s.charCodeAt(cur.pos) === QUOTE) name = cur.quoted();
    else {
      const [start, stop] = bareToken(cur, (c) => c === delim || c === LBRACE || c === RBRACE || c === QMARK || c === LBRACKET || c === RBRACKET || c === QUOTE || c === COLON || c === EQUALS, 'expected a field name in the header field list');
      name = s.slice(start, stop);
    }
    cur.spaces();
    if (names !== null) {
      if (names.has(name)) cur.fail(`duplicate field name "${name}" in header`, cur.pos, 'duplicate_key');
      names.add(name);
    }
    if (++cur.columns > cur.maxColumns) cur.fail(`the header lists more than ${cur.maxColumns} columns`, cur.pos, 'too_large');
    if (s.charCodeAt(cur.pos) === EQUALS) {
      cur.pos++;
      fields.push({ name, optional: false, children: null, sub: false, constant: { value: constantValue(cur, delim) } });
    } else {
      fields.push(column(cur, name, delim, nests, top));
    }
    cur.spaces();
    const c = s.charCodeAt(cur.pos);
    cur.pos++;
    if (c === delim) continue;
    if (c === RBRACE) return fields;
    if (c === 44 || c === TAB || c === PIPE || c === SEMICOLON) {
      cur.fail(`field list uses a different delimiter than its header declares ("${DELIMITERS.find((x) => x.charCodeAt(0) === delim)}")`, cur.pos - 1);
    }
    cur.fail('expected a delimiter or "}" in the header field list', cur.pos - 1);
  }
}

/** The value of a constant column `name=value`: a JSON-quoted string or a bare primitive, up to the delimiter or `}`. */
function constantValue(cur: Cursor, delim: number): JsonPrimitive {
  const { s } = cur;
  cur.spaces();
  if (s.charCodeAt(cur.pos) === QUOTE) return cur.quoted();
  const [start, stop] = bareToken(cur, (c) => c === delim || c === RBRACE, 'expected a value after "=" in the header field list (write "" for an empty string)');
  const c = s.charCodeAt(start);
  if (c === LBRACE || c === LBRACKET) cur.fail('a constant column holds a primitive; write objects and arrays in the cells', start);
  return tokenValue(s, start, stop, cur.numbers);
}

/**
 * The bare text at the cursor up to the first character `stops` accepts, trailing spaces left
 * out: its [start, end). The cursor moves to that character; empty text fails with `missing`.
 */
function bareToken(cur: Cursor, stops: (c: number) => boolean, missing: string): [number, number] {
  const { s, end } = cur;
  const start = cur.pos;
  let i = start;
  while (i < end && !stops(s.charCodeAt(i))) i++;
  let b = i;
  while (b > start && s.charCodeAt(b - 1) === SPACE) b--;
  if (b === start) cur.fail(missing, start);
  cur.pos = i;
  return [start, b];
}

/** A column after its name: `?` (optional), `[]{...}` (sub-table) and `{...}` (group). */
function column(cur: Cursor, name: string, delim: number, nests: number, top: boolean): Field {
  const { s } = cur;
  let optional = false;
  if (s.charCodeAt(cur.pos) === QMARK) { optional = true; cur.pos++; }
  let sub = false;
  if (s.charCodeAt(cur.pos) === LBRACKET && s.charCodeAt(cur.pos + 1) === RBRACKET) {
    if (!top || optional) cur.fail('a sub-table column name[]{...} must be a required top-level column');
    sub = true;
    cur.pos += 2;
    if (s.charCodeAt(cur.pos) !== LBRACE) cur.fail('expected "{" with the columns of the sub-table after "[]"');
  }
  let children: Field[] | null = null;
  if (s.charCodeAt(cur.pos) === LBRACE) {
    // A group's object sits in the row; a sub-table's rows sit in an array in the row.
    children = parseFields(cur, delim, nests + (sub ? 2 : 1), sub);
    if (children.length === 0) cur.fail('a nested field group needs at least one field');
  }
  return { name, optional, children, sub, constant: null };
}

/** Levels of containers one row of these fields nests: the row object, its groups, its sub-table's array and rows. */
function rowNesting(fields: Field[]): number {
  let below = 0;
  for (const f of fields) if (f.children) below = Math.max(below, (f.sub ? 1 : 0) + rowNesting(f.children));
  return 1 + below;
}

/** Cells a row of these fields carries (sub-table and constant columns carry none). */
export function countLeaves(fields: Field[]): number {
  let n = 0;
  for (const f of fields) n += f.sub || f.constant ? 0 : f.children ? countLeaves(f.children) : 1;
  return n;
}
