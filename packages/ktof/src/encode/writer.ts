import { Slot, writeKey } from '../shared/quoting.js';
import type { JsonObject, JsonValue } from '../shared/types.js';
import { isObject, isPrimitive, writeInline, writePrimitive } from './primitives.js';
import { planTable, type Column, type TablePlan } from './table.js';

/** Encoder settings after validation. */
export interface WriterOptions {
  indent: number;
  delimiter: string;
  /** '' = plain `[N]`, a marker string = `[<marker>N]`, null = lengths omitted. */
  marker: string | null;
  estimate: (text: string) => number;
}

/**
 * Writes a JSON value as KTOF lines. At every array/object it writes the block form, weighs it
 * against the one-line inline form with the token estimate, and keeps the cheaper one; each
 * method returns the estimated tokens of what it wrote.
 */
export class Writer {
  readonly out: string[] = [];
  private readonly pads: string[] = [''];
  private readonly unit: string;
  private readonly delim: string;
  private readonly delimCode: number;
  private readonly bracketTail: string;
  private readonly inlineText = new Map<object, string>();
  private readonly inlineTokens = new Map<object, number>();
  /** Inside a table that wins regardless: lines are costed by length, not scanned. */
  private approximate = false;
  /** Set by array() when it wrote a dense multi-row table, which inline JSON never beats. */
  private decisive = false;

  constructor(private readonly o: WriterOptions) {
    this.unit = ' '.repeat(o.indent);
    this.delim = o.delimiter;
    this.delimCode = o.delimiter.charCodeAt(0);
    this.bracketTail = (o.delimiter === ',' ? '' : o.delimiter) + ']';
  }

  private pad(depth: number): string {
    let p = this.pads[depth];
    if (p === undefined) {
      p = this.pad(depth - 1) + this.unit;
      this.pads[depth] = p;
    }
    return p;
  }

  private line(text: string): number {
    this.out.push(text);
    return this.approximate ? text.length * 0.3 + 1 : this.o.estimate(text) + 1;
  }

  private bracket(length: number, keyed = false): string {
    const m = this.o.marker;
    return '[' + (m === null ? '' : m + length) + (keyed ? ':' : '') + this.bracketTail;
  }

  /** The inline form of a container, memoised: parents reuse their children's text. */
  inline(v: JsonValue): string {
    if (isPrimitive(v)) return writeInline(v);
    let s = this.inlineText.get(v);
    if (s === undefined) {
      s = writeInline(v);
      this.inlineText.set(v, s);
    }
    return s;
  }

  private inlineCost(v: JsonValue & object): number {
    let t = this.inlineTokens.get(v);
    if (t === undefined) {
      t = this.o.estimate(this.inline(v));
      this.inlineTokens.set(v, t);
    }
    return t;
  }

  /** Keeps what was written since `mark` unless `prefix + inline(v)` is cheaper. */
  private preferInline(mark: number, blockCost: number, prefix: string, v: JsonValue & object): number {
    const inlineCost = this.o.estimate(prefix) + this.inlineCost(v) + 1;
    if (inlineCost < blockCost) {
      this.out.length = mark;
      this.out.push(prefix + this.inline(v));
      return inlineCost;
    }
    return blockCost;
  }

  /** The whole document. */
  root(v: JsonValue): number {
    if (isPrimitive(v)) return this.line(writePrimitive(v, Slot.Item, 0));
    if (Array.isArray(v)) {
      if (v.length === 0) return this.line('[]');
      const mark = this.out.length;
      const cost = this.array('', v, 0, true);
      if (this.decisive) { this.decisive = false; return cost; }
      return this.preferInline(mark, cost, '', v);
    }
    let cost = 0;
    for (const k in v) if (Object.hasOwn(v, k)) cost += this.field(k, v[k] as JsonValue, 0);
    return cost;
  }

  /** `key: value`, `key:` + nested lines, `key[N]...` or `key: {inline}`. */
  field(key: string, v: JsonValue, depth: number): number {
    const head = this.pad(depth) + writeKey(key);
    if (isPrimitive(v)) return this.line(head + ': ' + writePrimitive(v, Slot.Field, 0));
    const mark = this.out.length;
    let cost: number;
    if (Array.isArray(v)) {
      if (v.length === 0) return this.line(head + ': []');
      cost = this.array(head, v, depth, true);
      if (this.decisive) { this.decisive = false; return cost; }
    } else {
      const keys = Object.keys(v);
      if (keys.length === 0) return this.line(head + ':');
      cost = this.keyedTable(head, v, keys, depth, this.o.marker !== null);
      if (cost < 0) {
        cost = this.line(head + ':');
        for (const k of keys) cost += this.field(k, v[k] as JsonValue, depth + 1);
      }
    }
    return this.preferInline(mark, cost, head + ': ', v);
  }

  /** A list item `- ...` at `depth`. */
  private item(v: JsonValue, depth: number): number {
    const dash = this.pad(depth) + '- ';
    if (isPrimitive(v)) return this.line(dash + writePrimitive(v, Slot.Item, this.delimCode));
    if (Array.isArray(v)) return this.line(dash + this.inline(v));
    const keys = Object.keys(v);
    if (keys.length === 0) return this.line(this.pad(depth) + '-');
    const mark = this.out.length;
    // The first field shares the dash line; the others follow one level deeper.
    let cost = 1;
    for (const k of keys) cost += this.field(k, v[k] as JsonValue, depth + 1);
    const first = this.out[mark] as string;
    this.out[mark] = dash + first.slice(this.pad(depth + 1).length);
    return this.preferInline(mark, cost, dash, v);
  }

  /** Array body after `head` (key or nothing): inline values, table, matrix or list. */
  private array(head: string, v: JsonValue[], depth: number, allowFlush: boolean): number {
    let primitives = true;
    let objects = true;
    let arrays = true;
    for (let i = 0; i < v.length; i++) {
      const item = v[i] as JsonValue;
      if (isPrimitive(item)) { objects = false; arrays = false; }
      else if (Array.isArray(item)) { primitives = false; objects = false; if (item.length === 0) arrays = false; }
      else { primitives = false; arrays = false; }
      if (!primitives && !objects && !arrays) break;
    }
    const flush = allowFlush && this.o.marker !== null;
    if (primitives) {
      let text = head + this.bracket(v.length) + ': ';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) text += this.delim;
        text += writePrimitive(v[i] as JsonValue & (string | number | boolean | null), Slot.Cell, this.delimCode);
      }
      return this.line(text);
    }
    if (objects) {
      const plan = planTable(v as JsonObject[]);
      if (plan) {
        if ((plan.density > 0.6 && v.length >= 3) || v.length > 200) {
          const outer = this.approximate;
          this.approximate = true;
          const cost = this.table(head, v as JsonObject[], plan, depth, flush);
          this.approximate = outer;
          this.decisive = true;
          return cost;
        }
        const mark = this.out.length;
        const cost = this.table(head, v as JsonObject[], plan, depth, flush);
        // Sparse table: a list of objects may be cheaper.
        const listMark = this.out.length;
        const listCost = this.list(head, v, depth);
        if (listCost < cost) {
          this.out.splice(mark, listMark - mark);
          return listCost;
        }
        this.out.length = listMark;
        return cost;
      }
    }
    if (arrays) {
      let cost = this.line(head + this.bracket(v.length) + '[]:');
      const pad = this.pad(flush ? depth : depth + 1);
      for (const row of v as JsonValue[][]) {
        let text = pad;
        for (let i = 0; i < row.length; i++) {
          if (i > 0) text += this.delim;
          text += this.cell(row[i] as JsonValue);
        }
        cost += this.line(text);
      }
      return cost;
    }
    return this.list(head, v, depth);
  }

  private list(head: string, v: JsonValue[], depth: number): number {
    let cost = this.line(head + this.bracket(v.length) + ':');
    for (const item of v) cost += this.item(item, depth + 1);
    return cost;
  }

  private cell(v: JsonValue): string {
    return isPrimitive(v) ? writePrimitive(v, Slot.Cell, this.delimCode) : this.inline(v);
  }

  private header(columns: Column[]): string {
    let s = '{';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as Column;
      if (i > 0) s += this.delim;
      s += writeKey(c.key);
      if (c.optional) s += '?';
      if (c.table) s += '[]' + this.header(c.table.columns);
      else if (c.children) s += this.header(c.children);
    }
    return s + '}';
  }

  private rowCells(row: JsonObject | undefined, columns: Column[], text: string, first: boolean): string {
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as Column;
      if (c.table) continue; // sub-table rows follow the row line
      const present = row !== undefined && Object.hasOwn(row, c.key);
      if (c.children) {
        text = this.rowCells(present ? (row[c.key] as JsonObject) : undefined, c.children, text, first);
      } else {
        if (!first) text += this.delim;
        if (present) text += this.cell(row[c.key] as JsonValue);
      }
      first = false;
    }
    return text;
  }

  private table(head: string, rows: JsonObject[], plan: TablePlan, depth: number, flush: boolean): number {
    const cost = this.line(head + this.bracket(rows.length) + this.header(plan.columns) + ':');
    return cost + this.rows(rows, plan, flush ? depth : depth + 1);
  }

  /** Row lines at `depth`, each followed by its sub-table rows one level deeper. */
  private rows(rows: JsonObject[], plan: TablePlan, depth: number): number {
    const pad = this.pad(depth);
    const sub = plan.sub;
    let cost = 0;
    for (const row of rows) {
      cost += this.line(this.rowCells(row, plan.columns, pad, true));
      if (sub) cost += this.rows(row[sub.key] as JsonObject[], sub.table as TablePlan, depth + 1);
    }
    return cost;
  }

  /** An object whose values are all non-empty objects: `key[N:]{fields}:` + `entry: cells`. */
  private keyedTable(head: string, v: JsonObject, keys: string[], depth: number, flush: boolean): number {
    if (keys.length < 2) return -1;
    const rows: JsonObject[] = [];
    for (const k of keys) {
      const entry = v[k] as JsonValue;
      if (!isObject(entry)) return -1;
      let empty = true;
      for (const _ in entry) { empty = false; break; }
      if (empty) return -1;
      rows.push(entry);
    }
    const plan = planTable(rows, false);
    if (!plan || plan.density < 0.5) return -1;
    let cost = this.line(head + this.bracket(keys.length, true) + this.header(plan.columns) + ':');
    const pad = this.pad(flush ? depth : depth + 1);
    for (let i = 0; i < keys.length; i++) {
      cost += this.line(this.rowCells(rows[i], plan.columns, pad + writeKey(keys[i] as string) + ': ', true));
    }
    return cost;
  }
}
