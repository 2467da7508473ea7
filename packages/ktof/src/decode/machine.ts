import { COLON, CR, DASH, HASH, LBRACE, LBRACKET, QUOTE, RBRACE, RBRACKET, SPACE } from '../shared/chars.js';
import { KtofDecodeError } from '../shared/errors.js';
import { DEFAULT_MAX_DEPTH } from '../shared/constants.js';
import type { DecodeOptions, JsonObject, JsonValue } from '../shared/types.js';
import { Cursor, EMPTY, setOwn, type Cell } from './cursor.js';
import { countLeaves, parseHeader, type Field, type Header } from './header.js';
import type { Sink } from './sink.js';

const enum Kind { Object, List, Table, Keyed, Matrix }

/** An open container whose child lines are still arriving. */
interface Frame {
  kind: Kind;
  /** Depth of the line that opened it (-1 for the root object). */
  owner: number;
  /** Depth of its child lines; -1 until the first child line fixes it. */
  depth: number;
  /** Declared length, -1 when not declared. */
  expected: number;
  count: number;
  delim: number;
  fields: Field[] | null;
  leaves: number;
  /** Keys seen so far (strict mode duplicate check). */
  keys: Set<string> | null;
  /** Rows sit at the header's own depth (allowed when the length is declared). */
  flush: boolean;
  allowFlush: boolean;
  /** Line of the header, for count errors. */
  line: number;
  /** Nesting level of the container in the decoded value (the root's is 1; see Cursor.nest). */
  level: number;
  /** Table frames: the sub-table column whose rows follow each row, indented. */
  sub: Field | null;
  /** Sub-table frames: the parent row's fields after the sub-table column, emitted on close. */
  tail: [string, JsonValue][] | null;
}

const enum State { Start, Body, RootInline, RootPrimitive, Done }

/**
 * The KTOF decoder as a line-at-a-time state machine: it never looks ahead, so the same code
 * serves `decode` (all lines at once) and the streaming decoder (lines as chunks arrive), and
 * memory stays bounded by the nesting depth plus one line.
 */
export class LineMachine {
  private readonly cur = new Cursor();
  private readonly stack: Frame[] = [];
  private readonly strict: boolean;
  /** Spaces per level: the indent option, or (when it is not given) the first indented line's. */
  private indent: number;
  private indentKnown: boolean;
  private state = State.Start;
  /** Depth of a `key:` line whose nested object starts on the next deeper line (-2: none). */
  private pendingOwner = -2;
  /** That object's nesting level. */
  private pendingLevel = 0;
  private rootPrimitive: JsonValue = null;
  private inlineParts: string[] = [];
  private inlineLine = 0;
  private inlineNesting = 0;
  private cellIndex = 0;
  private lineNo = 0;

  constructor(private readonly sink: Sink, options: DecodeOptions | undefined) {
    this.strict = options?.strict ?? true;
    const indent = options?.indent ?? 2;
    if (!Number.isInteger(indent) || indent < 1) throw new KtofDecodeError('the indent option must be an integer >= 1', 0, 0, 'invalid_option');
    this.indent = indent;
    this.indentKnown = options?.indent !== undefined;
    const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!(maxDepth >= 1)) throw new KtofDecodeError('the maxDepth option must be >= 1', 0, 0, 'invalid_option');
    this.cur.strict = this.strict;
    this.cur.maxDepth = maxDepth;
    const maxColumns = options?.maxColumns ?? Infinity;
    if (!(maxColumns >= 1)) throw new KtofDecodeError('the maxColumns option must be >= 1', 0, 0, 'invalid_option');
    this.cur.maxColumns = maxColumns;
    const maxKeys = options?.maxKeys ?? Infinity;
    if (!(maxKeys >= 1)) throw new KtofDecodeError('the maxKeys option must be >= 1', 0, 0, 'invalid_option');
    this.cur.maxKeys = maxKeys;
    const numbers = options?.numbers ?? 'number';
    if (numbers !== 'number' && numbers !== 'bigint' && numbers !== 'text') throw new KtofDecodeError('the numbers option must be "number", "bigint" or "text"', 0, 0, 'invalid_option');
    this.cur.numbers = numbers;
  }

  /**
   * Feeds one physical line s[start, end). When `whole` is true, `s` holds the rest of the
   * document and a root inline value may be parsed straight from it; returns false then to stop.
   */
  line(s: string, start: number, end: number, lineNo: number, whole: boolean): boolean {
    this.lineNo = lineNo;
    let a = start;
    let b = end;
    if (b > a && s.charCodeAt(b - 1) === CR) b--;
    if (lineNo === 1 && s.charCodeAt(a) === 0xfeff) a++;
    if (this.state === State.RootInline) {
      this.appendInline(s.slice(a, b));
      return true;
    }
    let i = a;
    while (i < b && s.charCodeAt(i) === SPACE) i++;
    let e = b;
    while (e > i && s.charCodeAt(e - 1) === SPACE) e--;
    if (e === i) return true; // blank line
    const cur = this.cur;
    cur.reset(s, i, e, lineNo, a);
    const c = s.charCodeAt(i);
    if (c === HASH) return true; // comment line (TOON 4.4)
    if (c === 9 && this.strict && this.state !== State.Body) cur.fail('tabs are not allowed in indentation; indent with spaces', cur.pos, 'indentation');
    const spaces = i - a;
    // Nothing is indented before the first indented line, so it is one level deep: its width is
    // the document's unit (KTOF written with --indent 4 reads without saying so). Later lines
    // are then held to it as strictly as to an indent option.
    if (!this.indentKnown && spaces > 0) {
      this.indent = spaces;
      this.indentKnown = true;
    }
    if (this.strict && spaces % this.indent !== 0) {
      cur.fail(`indentation must be a multiple of ${this.indent} spaces, found ${spaces}`, i, 'indentation');
    }
    const depth = Math.floor(spaces / this.indent);
    switch (this.state) {
      case State.Body: this.body(depth); return true;
      case State.Start: return this.start(depth, whole);
      case State.RootPrimitive:
        return cur.fail('a document holding a single value has one line; several top-level lines must each be "key: value"');
      default:
        return cur.fail('unexpected content after the root value');
    }
  }

  /** Ends the document: closes every open container. */
  finish(): void {
    if (this.state === State.RootInline) this.parseInline(true);
    if (this.state === State.Start) {
      this.sink.startObject();
      this.sink.endObject();
      return;
    }
    if (this.state === State.RootPrimitive) {
      this.sink.value(this.rootPrimitive);
      return;
    }
    this.resolvePending(-1);
    while (this.stack.length > 0) this.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Root form

  private start(depth: number, whole: boolean): boolean {
    const cur = this.cur;
    if (depth !== 0) cur.fail('the first line must not be indented', cur.pos, 'indentation');
    const c = cur.s.charCodeAt(cur.pos);
    if (c === LBRACKET) {
      const h = parseHeader(cur);
      if (h) {
        this.state = State.Body;
        this.openArray(h, 0, true, 1);
        return true;
      }
    }
    if (c === LBRACKET || c === LBRACE) {
      this.state = State.RootInline;
      this.inlineLine = this.lineNo;
      if (whole) {
        // The whole remaining text is available: parse it in place (multi-line JSON included).
        cur.end = cur.s.length;
        this.finishInline(cur.inline(1));
        return false;
      }
      this.appendInline(cur.s.slice(cur.pos, cur.end));
      return true;
    }
    if (this.isKeyLine()) {
      this.state = State.Body;
      this.sink.startObject();
      this.push(Kind.Object, -1, 0, -1, 44, null, 0, false, 1);
      this.field(this.top(), 0);
      return true;
    }
    this.state = State.RootPrimitive;
    this.rootPrimitive = cur.rest(1);
    return true;
  }

  private appendInline(text: string): void {
    this.inlineParts.push(text);
    // Track bracket balance outside strings; strings never span lines.
    let inString = false;
    let n = this.inlineNesting;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 92) i++;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === LBRACE || c === LBRACKET) n++;
      else if (c === RBRACE || c === RBRACKET) n--;
    }
    this.inlineNesting = n;
    if (n <= 0) this.parseInline(false);
  }

  private parseInline(atEnd: boolean): void {
    const text = this.inlineParts.length === 1 ? (this.inlineParts[0] as string) : this.inlineParts.join('\n');
    this.inlineParts = [];
    const cur = this.cur;
    cur.reset(text, 0, text.length, this.inlineLine, 0);
    if (atEnd && this.inlineNesting > 0) cur.fail('unclosed inline value: expected "}" or "]" before the end of the document');
    this.finishInline(cur.inline(1));
  }

  private finishInline(v: JsonValue): void {
    const cur = this.cur;
    cur.ws();
    if (cur.pos < cur.end) cur.fail('unexpected content after the root value');
    this.sink.value(v);
    this.state = State.Done;
  }

  // ---------------------------------------------------------------------------------------------
  // Body lines

  private top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  private push(kind: Kind, owner: number, depth: number, expected: number, delim: number, fields: Field[] | null, leaves: number, allowFlush: boolean, level: number): void {
    this.cur.nest(level);
    this.stack.push({
      kind, owner, depth, expected, count: 0, delim, fields, leaves,
      keys: this.strict && (kind === Kind.Object || kind === Kind.Keyed) ? new Set() : null,
      flush: false, allowFlush, line: this.lineNo, level, sub: null, tail: null,
    });
  }

  private close(): void {
    const f = this.stack.pop() as Frame;
    if (this.strict && f.expected >= 0 && f.count !== f.expected) {
      const what = f.kind === Kind.List ? 'list items' : f.kind === Kind.Keyed ? 'entries' : 'rows';
      throw new KtofDecodeError(`the header declares ${f.expected} ${what} but ${f.count} follow`, f.line, 1, 'count_mismatch');
    }
    if (f.kind === Kind.Object || f.kind === Kind.Keyed) this.sink.endObject();
    else this.sink.endArray();
    if (f.tail !== null) {
      // A sub-table ended: finish its parent row.
      for (const [k, v] of f.tail) {
        this.sink.key(k);
        this.sink.value(v);
      }
      this.sink.endObject();
    }
    if (this.stack.length === 0) this.state = State.Done;
  }

  /** A `key:` line opened an object: it is nested if the next line is deeper, else empty. */
  private resolvePending(depth: number): void {
    const owner = this.pendingOwner;
    if (owner === -2) return;
    this.pendingOwner = -2;
    if (depth > owner) {
      if (this.strict && depth !== owner + 1) this.cur.fail(`indentation jumps by more than one level (expected ${(owner + 1) * this.indent} spaces)`, this.cur.pos, 'indentation');
      this.sink.startObject();
      this.push(Kind.Object, owner, depth, -1, 44, null, 0, false, this.pendingLevel);
    } else {
      this.cur.nest(this.pendingLevel); // an empty object: no frame counts it
      this.sink.startObject();
      this.sink.endObject();
    }
  }

  private body(depth: number): void {
    this.resolvePending(depth);
    let f: Frame;
    for (;;) {
      if (this.stack.length === 0) this.cur.fail('unexpected content after the root value');
      f = this.top();
      if (f.flush) {
        if (depth === f.depth && f.count < f.expected) break;
        if (depth > f.depth) this.cur.fail(`unexpected indentation: expected ${f.depth * this.indent} spaces`, this.cur.pos, 'indentation');
        this.close();
        continue;
      }
      if (f.depth < 0) {
        if (depth > f.owner) {
          if (this.strict && depth !== f.owner + 1) this.cur.fail(`indentation jumps by more than one level (expected ${(f.owner + 1) * this.indent} spaces)`, this.cur.pos, 'indentation');
          f.depth = depth;
          break;
        }
        if (depth === f.owner && f.allowFlush && f.expected > 0) {
          f.flush = true;
          f.depth = depth;
          break;
        }
        this.close();
        continue;
      }
      if (depth < f.depth) {
        this.close();
        continue;
      }
      if (depth > f.depth) this.cur.fail(`unexpected indentation: expected ${f.depth * this.indent} spaces`, this.cur.pos, 'indentation');
      break;
    }
    switch (f.kind) {
      case Kind.Object: this.field(f, depth); break;
      case Kind.List: this.listItem(f, depth); break;
      case Kind.Table: this.tableRow(f, depth); break;
      case Kind.Keyed: this.keyedRow(f); break;
      case Kind.Matrix: this.matrixRow(f); break;
    }
  }

  private countRow(f: Frame): void {
    f.count++;
    if (this.strict && f.expected >= 0 && f.count > f.expected) {
      this.cur.fail(`more ${f.kind === Kind.List ? 'list items' : 'rows'} than the ${f.expected} declared in the header on line ${f.line}`, this.cur.pos, 'count_mismatch');
    }
  }

  /** True when the text at cur.pos is `key: ...` or `key[...]...:` (cur.pos unchanged). */
  private isKeyLine(): boolean {
    const cur = this.cur;
    const { s, end } = cur;
    const p = cur.pos;
    let result = false;
    if (s.charCodeAt(p) === QUOTE) {
      cur.quoted();
      cur.spaces();
      const c = s.charCodeAt(cur.pos);
      result = c === COLON || (c === LBRACKET && parseHeader(cur) !== null);
    } else {
      let triedHeader = false;
      for (let i = p; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c === COLON) { result = true; break; }
        if (c === LBRACKET && i > p && !triedHeader) {
          triedHeader = true;
          cur.pos = i;
          if (parseHeader(cur)) { result = true; break; }
        }
      }
    }
    cur.pos = p;
    return result;
  }

  private readKey(f: Frame): string {
    const cur = this.cur;
    const { s, end } = cur;
    let key: string;
    if (s.charCodeAt(cur.pos) === QUOTE) {
      key = cur.quoted();
      cur.spaces();
    } else {
      const start = cur.pos;
      let i = start;
      let triedHeader = false;
      while (i < end) {
        const c = s.charCodeAt(i);
        if (c === COLON) break;
        if (c === LBRACKET && i > start && !triedHeader) {
          // Only the first "[" can open a header; otherwise it is part of a literal key.
          triedHeader = true;
          cur.pos = i;
          const header = parseHeader(cur);
          cur.pos = start;
          if (header) break;
        }
        i++;
      }
      if (i >= end) cur.fail('expected "key: value" (a line inside an object needs a ":" after its key)', start);
      let b = i;
      while (b > start && s.charCodeAt(b - 1) === SPACE) b--;
      if (b === start) cur.fail('expected a key before ":"', start);
      key = s.slice(start, b);
      cur.pos = i;
    }
    if (f.keys) {
      if (f.keys.has(key)) cur.fail(`duplicate key "${key}"`, cur.pos, 'duplicate_key');
      f.keys.add(key);
    }
    return key;
  }

  /** `key: value`, `key:` (nested object follows) or `key[N]...:` (array). */
  private field(f: Frame, depth: number): void {
    const cur = this.cur;
    if (++f.count > cur.maxKeys) cur.tooManyKeys();
    const key = this.readKey(f);
    const c = cur.s.charCodeAt(cur.pos);
    if (c === LBRACKET) {
      const h = parseHeader(cur);
      if (!h) return cur.fail('malformed array header: expected [N], [N|] or [N]{fields} followed by ":"');
      this.sink.key(key);
      this.openArray(h, depth, true, f.level + 1);
      return;
    }
    if (c !== COLON) cur.fail(`expected ":" after the key "${key}"`);
    cur.pos++;
    this.sink.key(key);
    cur.spaces();
    if (cur.pos >= cur.end) {
      this.pendingOwner = depth;
      this.pendingLevel = f.level + 1;
      return;
    }
    this.sink.value(cur.rest(f.level + 1));
  }

  /** Opens the array (or keyed object) of header `h`, whose nesting level is `level`. */
  private openArray(h: Header, owner: number, allowFlush: boolean, level: number): void {
    const cur = this.cur;
    cur.spaces();
    const hasValues = cur.pos < cur.end;
    if (hasValues && (h.keyed || h.fields || h.matrix)) cur.fail('a table header ends at ":"; its rows go on the following lines');
    // Rows, groups and sub-tables are containers no frame opens: the header counts them once.
    if (h.nests > 0) cur.nest(level + h.nests);
    if (h.keyed) {
      this.sink.startObject();
      this.push(Kind.Keyed, owner, -1, h.length, h.delim, h.fields, h.leaves, allowFlush, level);
    } else if (h.fields) {
      this.sink.startArray(h.length);
      this.push(Kind.Table, owner, -1, h.length, h.delim, h.fields, h.leaves, allowFlush, level);
      this.top().sub = h.sub;
    } else if (h.matrix) {
      this.sink.startArray(h.length);
      this.push(Kind.Matrix, owner, -1, h.length, h.delim, null, 0, allowFlush, level);
    } else if (hasValues) {
      cur.nest(level); // `key[N]: a,b`: no frame counts the array
      const values = this.cellsToEnd(h.delim, level + 1);
      if (this.strict && h.length >= 0 && values.length !== h.length) {
        cur.fail(`the header declares ${h.length} values but ${values.length} follow`, cur.pos, 'count_mismatch');
      }
      this.sink.value(values);
    } else {
      this.sink.startArray(h.length);
      this.push(Kind.List, owner, -1, h.length, h.delim, null, 0, false, level);
    }
  }

  private listItem(f: Frame, depth: number): void {
    const cur = this.cur;
    const { s } = cur;
    const p = cur.pos;
    if (s.charCodeAt(p) !== DASH || (p + 1 < cur.end && s.charCodeAt(p + 1) !== SPACE)) {
      cur.fail('expected a list item starting with "- "');
    }
    this.countRow(f);
    cur.pos = p + 1;
    cur.spaces();
    const level = f.level + 1;
    if (cur.pos >= cur.end) {
      cur.nest(level); // `- ` alone is an empty object: no frame counts it
      this.sink.startObject();
      this.sink.endObject();
      return;
    }
    const c = s.charCodeAt(cur.pos);
    if (c === LBRACKET) {
      const h = parseHeader(cur);
      if (h) {
        if (h.keyed) cur.fail('a keyed header [N:] needs a key');
        this.openArray(h, depth, false, level);
        return;
      }
    } else if (c !== LBRACE && this.isKeyLine()) {
      this.sink.startObject();
      this.push(Kind.Object, depth, depth + 1, -1, 44, null, 0, false, level);
      this.field(this.top(), depth + 1);
      return;
    }
    this.sink.value(cur.rest(level));
  }

  /**
   * The next cell of the row. A row may end before its last cells when each of them could be
   * empty meaning absent (`absentable`: an optional column, or a cell of an optional group);
   * those cells read as empty. Any other short row is an error.
   */
  private readCell(delim: number, absentable: boolean, level: number): Cell {
    const cur = this.cur;
    if (this.cellIndex++ > 0) {
      if (cur.pos >= cur.end) {
        if (absentable) return EMPTY;
        return cur.fail('the row has fewer cells than its header has fields (only trailing optional cells may be left out)', cur.pos, 'count_mismatch');
      }
      cur.pos++;
    }
    return cur.cell(delim, level);
  }

  /**
   * Fills `obj` from the row's cells following the header's field tree; returns how many cells
   * were non-empty. An optional group with no non-empty cell is absent. `inOptional`: the
   * fields belong to an optional group; `level`: the nesting level of `obj`.
   */
  private fill(fields: Field[], obj: JsonObject, delim: number, inOptional: boolean, level: number): number {
    let filled = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as Field;
      if (f.sub) {
        setOwn(obj, f.name, null); // placeholder keeping key order; rows follow indented
      } else if (f.constant !== null) {
        setOwn(obj, f.name, f.constant.value); // not counted: an optional group's presence is read from its cells
      } else if (f.children !== null) {
        const child: JsonObject = {};
        const n = this.fill(f.children, child, delim, inOptional || f.optional, level + 1);
        if (n > 0 || !f.optional) setOwn(obj, f.name, child);
        filled += n;
      } else {
        const v = this.readCell(delim, inOptional || f.optional, level + 1);
        if (v !== EMPTY) {
          setOwn(obj, f.name, v);
          filled++;
        } else if (!f.optional) setOwn(obj, f.name, '');
      }
    }
    return filled;
  }

  private rowObject(f: Frame): JsonObject {
    const obj: JsonObject = {};
    this.cellIndex = 0;
    this.fill(f.fields as Field[], obj, f.delim, false, f.level + 1);
    if (this.cur.pos < this.cur.end) this.cur.fail(`the row has more cells than its header's ${f.leaves} fields`, this.cur.pos, 'count_mismatch');
    return obj;
  }

  private tableRow(f: Frame, depth: number): void {
    this.countRow(f);
    const row = this.rowObject(f);
    const sub = f.sub;
    if (sub === null) {
      this.sink.value(row);
      return;
    }
    // Emit the fields up to the sub-table column, open its array, and keep the rest for close().
    this.sink.startObject();
    const keys = Object.keys(row);
    let i = 0;
    for (; i < keys.length; i++) {
      const k = keys[i] as string;
      this.sink.key(k);
      if (k === sub.name) break;
      this.sink.value(row[k] as JsonValue);
    }
    const tail: [string, JsonValue][] = [];
    for (i++; i < keys.length; i++) tail.push([keys[i] as string, row[keys[i] as string] as JsonValue]);
    this.sink.startArray(-1);
    const children = sub.children as Field[];
    // The sub-table's array sits in the row object, one level below the rows of `f`.
    this.push(Kind.Table, depth, -1, -1, f.delim, children, countLeaves(children), false, f.level + 2);
    const frame = this.top();
    frame.tail = tail;
    frame.sub = children.find((c) => c.sub) ?? null;
  }

  private keyedRow(f: Frame): void {
    this.countRow(f);
    const cur = this.cur;
    if (f.count > cur.maxKeys) cur.tooManyKeys();
    const key = this.readKey(f);
    if (cur.s.charCodeAt(cur.pos) !== COLON) cur.fail(`expected ":" after the entry key "${key}"`);
    cur.pos++;
    this.sink.key(key);
    this.sink.value(this.rowObject(f));
  }

  private matrixRow(f: Frame): void {
    this.countRow(f);
    this.sink.value(this.cellsToEnd(f.delim, f.level + 2));
  }

  /** The cells to the end of the line as an array; `depth`: the level a cell's inline value has. */
  private cellsToEnd(delim: number, depth: number): JsonValue[] {
    const cur = this.cur;
    const values: JsonValue[] = [];
    for (;;) {
      const v = cur.cell(delim, depth);
      values.push(v === EMPTY ? '' : v);
      if (cur.pos >= cur.end) return values;
      cur.pos++;
    }
  }
}
