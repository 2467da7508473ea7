import { isEncodedNumber, numberText } from '../shared/exact-number.js';
import { Bits, delimiterBit, isSafeKey, quote, Slot, stringBits, unsafeBits } from '../shared/quoting.js';
import type { JsonObject, JsonPrimitive, JsonValue } from '../shared/types.js';
import { bracketCost, delimiterCost, NESTED_MERGE, NEVER, numberCost, numberValueCost, QUOTES, stringCost } from './cost.js';
import { estimateTokens } from './estimate.js';
import { planTable, type Column, type TablePlan } from './table.js';

/** Encoder settings after validation. */
export interface WriterOptions {
  indent: number;
  delimiter: string;
  /** '' = plain `[N]`, a marker string = `[<marker>N]`, null = lengths omitted. */
  marker: string | null;
}

/** Bits that force quoting inside inline JSON. */
const INLINE_UNSAFE = Bits.Quote | Bits.Comma | Bits.Colon | Bits.Bracket;

/**
 * A key as written and its token cost; keys repeat, so both are computed once per key string.
 * (Also the shape in which a container's inline text is memoised with its cost.)
 */
interface KeyInfo {
  text: string;
  cost: number;
}

/** The keys of an absent row (or group). */
const NO_KEYS: readonly string[] = [];

/** Key text and cost by key string, shared by all encodes (keys repeat across documents too). */
const KEYS = new Map<string, KeyInfo>();
const MAX_CACHED_KEYS = 4096;

function keyInfo(k: string): KeyInfo {
  let info = KEYS.get(k);
  if (info === undefined) {
    const text = isSafeKey(k) ? k : quote(k);
    info = { text, cost: estimateTokens(text) };
    if (KEYS.size >= MAX_CACHED_KEYS) KEYS.clear();
    if (k.length <= 64) KEYS.set(k, info);
  }
  return info;
}

/**
 * Writes a JSON value as KTOF lines in one pass. Every method writes the block form of its value,
 * returns that form's estimated tokens (see cost.ts) and leaves the estimated tokens of the
 * value's inline form in `inl`, summed from its children's. Where the inline form is cheaper the
 * block lines are replaced by it; inline text is only rendered for what is actually written inline.
 */
export class Writer {
  readonly out: string[] = [];
  /** Estimated tokens of the inline form of the value the last call wrote. */
  inl = 0;
  private readonly pads: string[] = [''];
  private readonly unit: string;
  private readonly delim: string;
  private readonly cellUnsafe: number;
  /** A constant `key=value` in a header ends at the delimiter or `}`. */
  private readonly constantUnsafe: number;
  private readonly bracketTail: string;
  private readonly withLength: boolean;
  /** Inline text and its estimated tokens per container already written inline. */
  private readonly inlineForms = new Map<object, KeyInfo>();
  /** Set by array() when it wrote a dense multi-row table, which inline JSON never beats. */
  private decisive = false;

  constructor(private readonly o: WriterOptions) {
    this.unit = ' '.repeat(o.indent);
    this.delim = o.delimiter;
    this.cellUnsafe = unsafeBits(Slot.Cell, delimiterBit(o.delimiter));
    this.constantUnsafe = INLINE_UNSAFE | this.cellUnsafe;
    this.bracketTail = (o.delimiter === ',' ? '' : o.delimiter) + ']';
    this.withLength = o.marker !== null;
  }

  private pad(depth: number): string {
    let p = this.pads[depth];
    if (p === undefined) {
      p = this.pad(depth - 1) + this.unit;
      this.pads[depth] = p;
    }
    return p;
  }

  private key(k: string): KeyInfo {
    return keyInfo(k);
  }

  private bracket(length: number, keyed = false): string {
    const m = this.o.marker;
    return '[' + (m === null ? '' : m + length) + (keyed ? ':' : '') + this.bracketTail;
  }

  // ---- primitives -------------------------------------------------------------------------

  /** Text of a primitive at a position whose unsafe bits are `unsafe`; its cost goes to `primCost`. */
  private primCost = 0;
  private prim(v: JsonPrimitive, unsafe: number): string {
    if (typeof v === 'string') return this.price(v, unsafe) ? v : quote(v);
    if (isEncodedNumber(v)) {
      const text = numberText(v);
      this.primCost = this.inl = numberCost(text);
      return text;
    }
    this.primCost = this.inl = 1;
    return v === null ? 'null' : v ? 'true' : 'false';
  }

  /**
   * Sets `primCost` and `inl` as prim() would, without building the text: pricing a layout that
   * may never be written (a list weighed against a table, field lines against inline JSON) needs
   * neither the quoted string nor the number's digits. True when a string is written bare.
   */
  private price(v: JsonPrimitive, unsafe: number): boolean {
    if (typeof v === 'string') {
      const bits = stringBits(v);
      const cost = stringCost(v);
      if ((bits & unsafe) === 0) {
        this.primCost = cost;
        this.inl = (bits & INLINE_UNSAFE) === 0 ? cost : cost + QUOTES;
        return true;
      }
      this.primCost = this.inl = cost + QUOTES;
      return false;
    }
    this.primCost = this.inl = isEncodedNumber(v) ? numberValueCost(v) : 1;
    return false;
  }

  /** A table cell / matrix cell / inline-array element: a primitive, or inline JSON for containers. */
  private cell(v: JsonValue): string {
    if (v === null || typeof v !== 'object') return this.prim(v, this.cellUnsafe);
    const text = this.inline(v);
    this.primCost = this.inl;
    return text;
  }

  // ---- inline JSON --------------------------------------------------------------------------

  /** Estimated tokens of the inline form of `v` (no text is built). */
  inlineCost(v: JsonValue): number {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'string') return (stringBits(v) & INLINE_UNSAFE) === 0 ? stringCost(v) : stringCost(v) + QUOTES;
      return isEncodedNumber(v) ? numberValueCost(v) : 1;
    }
    let cost = 2;
    if (Array.isArray(v)) {
      if (v.length === 0) return 1;
      for (let i = 0; i < v.length; i++) cost += this.nestedInlineCost(v[i] as JsonValue);
      return cost + v.length - 1;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return 1;
    for (const k of keys) cost += this.key(k).cost + 1 + this.nestedInlineCost(v[k] as JsonValue);
    return cost + keys.length - 1;
  }

  private nestedInlineCost(v: JsonValue): number {
    return Writer.nested(v, this.inlineCost(v));
  }

  /** Inline cost of a container nested in inline JSON, from its own inline cost. */
  private static nested(v: JsonValue, c: number): number {
    return v !== null && typeof v === 'object' && c > 1 ? c - NESTED_MERGE : c;
  }

  /**
   * Relaxed JSON, the inline form any KTOF value position accepts: `{key:value,...}` / `[a,b]`,
   * keys and strings bare when safe, JSON-quoted otherwise. Leaves the text's estimated tokens in
   * `inl` (what inlineCost(v) returns, summed while writing instead of in a second walk).
   * Memoised per container, so a parent written inline reuses the text of children already
   * written inline.
   */
  inline(v: JsonValue): string {
    if (v === null || typeof v !== 'object') return this.prim(v, INLINE_UNSAFE);
    const known = this.inlineForms.get(v);
    if (known !== undefined) {
      this.inl = known.cost;
      return known.text;
    }
    let s: string;
    let cost = 2;
    if (Array.isArray(v)) {
      s = '[';
      for (let i = 0; i < v.length; i++) {
        const item = v[i] as JsonValue;
        s += (i > 0 ? ',' : '') + this.inline(item);
        cost += Writer.nested(item, this.inl);
      }
      s += ']';
      cost = v.length === 0 ? 1 : cost + v.length - 1;
    } else {
      s = '{';
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const k = this.key(keys[i] as string);
        const value = v[keys[i] as string] as JsonValue;
        s += (i > 0 ? ',' : '') + k.text + ':' + this.inline(value);
        cost += k.cost + 1 + Writer.nested(value, this.inl);
      }
      s += '}';
      cost = keys.length === 0 ? 1 : cost + keys.length - 1;
    }
    this.inlineForms.set(v, { text: s, cost });
    this.inl = cost;
    return s;
  }

  /** Keeps the block lines written since `mark` unless `head: inline` is cheaper; `inl` is kept. */
  private preferInline(mark: number, blockCost: number, head: string, lineCost: number, v: JsonValue & object): number {
    const inlineCost = lineCost + this.inl;
    if (inlineCost < blockCost) {
      const inl = this.inl;
      this.out.length = mark;
      this.out.push(head + this.inline(v));
      this.inl = inl;
      return inlineCost;
    }
    return blockCost;
  }

  /**
   * What writing the fields of `v` as `key: value` lines at `depth` would cost, when all its
   * values are primitives (`inl` is then the inline cost of `v`); -1 when some value is a
   * container. Objects of primitives are the most common nested objects and usually win inline,
   * so pricing them without writing saves building lines only to throw them away.
   */
  private flatFieldsCost(v: JsonObject, keys: string[], depth: number): number {
    // indentation, ":" and the line break of each field line (see field())
    const lineCost = (depth > 0 ? 1 : 0) + 2;
    let cost = 0;
    let inl = 2 + keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const value = v[keys[i] as string] as JsonValue;
      if (value !== null && typeof value === 'object') return -1;
      this.price(value, Bits.Quote);
      const k = this.key(keys[i] as string).cost;
      cost += lineCost + k + this.primCost;
      inl += k + 1 + this.inl;
    }
    this.inl = inl;
    return cost;
  }

  /** `head: {inline}` or `head:` + field lines for an object priced by flatFieldsCost. */
  private flatObject(head: string, lineCost: number, blockCost: number, v: JsonObject, keys: string[], depth: number): number {
    const inl = this.inl;
    const inlineCost = lineCost + inl;
    if (inlineCost < blockCost) {
      this.out.push(head + ': ' + this.inline(v));
      this.inl = inl;
      return inlineCost;
    }
    this.out.push(head + ':');
    for (let i = 0; i < keys.length; i++) this.field(keys[i] as string, v[keys[i] as string] as JsonValue, depth);
    this.inl = inl;
    return blockCost;
  }

  // ---- block forms --------------------------------------------------------------------------

  /** The whole document; `inl` is then the cost of the whole document as inline JSON. */
  root(v: JsonValue): number {
    if (v === null || typeof v !== 'object') {
      this.out.push(this.prim(v, unsafeBits(Slot.Item, 0)));
      return this.primCost;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) {
        this.out.push('[]');
        this.inl = 1;
        return 1;
      }
      const mark = this.out.length;
      const cost = this.array('', 0, v, 0, true);
      if (this.decisive) { this.decisive = false; return cost; }
      return this.preferInline(mark, cost, '', 0, v);
    }
    let cost = 0;
    let inl = 2;
    const keys = Object.keys(v);
    for (const k of keys) {
      const value = v[k] as JsonValue;
      cost += this.field(k, value, 0);
      inl += this.key(k).cost + 1 + Writer.nested(value, this.inl);
    }
    this.inl = keys.length === 0 ? 1 : inl + keys.length - 1;
    return cost;
  }

  /** `key: value`, `key:` + nested lines, `key[N]...` or `key: {inline}`. */
  field(key: string, v: JsonValue, depth: number): number {
    const k = this.key(key);
    const head = this.pad(depth) + k.text;
    // indentation, key, ":" and the line break
    const lineCost = (depth > 0 ? 1 : 0) + k.cost + 2;
    if (v === null || typeof v !== 'object') {
      this.out.push(head + ': ' + this.prim(v, Bits.Quote));
      return lineCost + this.primCost;
    }
    const mark = this.out.length;
    let cost: number;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        this.out.push(head + ': []');
        this.inl = 1;
        return lineCost + 1;
      }
      cost = this.array(head, k.cost, v, depth, true);
      if (this.decisive) { this.decisive = false; return cost; }
    } else {
      const keys = Object.keys(v);
      if (keys.length === 0) {
        this.out.push(head + ':');
        this.inl = 1;
        return lineCost;
      }
      const fields = this.flatFieldsCost(v, keys, depth + 1);
      if (fields >= 0) return this.flatObject(head, lineCost, lineCost + fields, v, keys, depth + 1);
      cost = this.keyedTable(head, k.cost, v, keys, depth, this.withLength);
      if (cost < 0) {
        this.out.push(head + ':');
        cost = lineCost;
        let inl = 2 + keys.length - 1;
        for (const name of keys) {
          const value = v[name] as JsonValue;
          cost += this.field(name, value, depth + 1);
          inl += this.key(name).cost + 1 + Writer.nested(value, this.inl);
        }
        this.inl = inl;
      }
    }
    return this.preferInline(mark, cost, head + ': ', lineCost, v);
  }

  /** A list item `- ...` at `depth`. */
  private item(v: JsonValue, depth: number): number {
    const dash = this.pad(depth) + '- ';
    // indentation, dash and the line break
    const lineCost = (depth > 0 ? 1 : 0) + 2;
    if (v === null || typeof v !== 'object') {
      this.out.push(dash + this.prim(v, unsafeBits(Slot.Item, 0)));
      return lineCost + this.primCost;
    }
    if (Array.isArray(v)) {
      this.out.push(dash + this.inline(v));
      return lineCost + this.inl;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) {
      this.out.push(this.pad(depth) + '-');
      this.inl = 1;
      return lineCost;
    }
    const fields = this.flatFieldsCost(v, keys, depth + 1);
    if (fields >= 0 && lineCost + this.inl < 1 + fields) {
      const inl = this.inl;
      this.out.push(dash + this.inline(v)); // inline() clobbers `inl`
      this.inl = inl;
      return lineCost + inl;
    }
    const mark = this.out.length;
    // The first field shares the dash line; the others follow one level deeper.
    let cost = 1;
    let inl = 2 + keys.length - 1;
    for (const k of keys) {
      const value = v[k] as JsonValue;
      cost += this.field(k, value, depth + 1);
      inl += this.key(k).cost + 1 + Writer.nested(value, this.inl);
    }
    this.inl = inl;
    const first = this.out[mark] as string;
    this.out[mark] = dash + first.slice(this.pad(depth + 1).length);
    return this.preferInline(mark, cost, dash, lineCost, v);
  }

  /** Array body after `head` (key or nothing): inline values, table, matrix or list. */
  private array(head: string, keyCost: number, v: JsonValue[], depth: number, allowFlush: boolean): number {
    let primitives = true;
    let objects = true;
    let arrays = true;
    for (let i = 0; i < v.length; i++) {
      const item = v[i] as JsonValue;
      if (item === null || typeof item !== 'object') { objects = false; arrays = false; }
      else if (Array.isArray(item)) { primitives = false; objects = false; if (item.length === 0) arrays = false; }
      else { primitives = false; arrays = false; }
      if (!primitives && !objects && !arrays) break;
    }
    const flush = allowFlush && this.withLength;
    // indentation, key, brackets, ":" and the line break
    const headCost = (depth > 0 ? 1 : 0) + keyCost + bracketCost(v.length, this.withLength) + 2;
    if (primitives) {
      let text = head + this.bracket(v.length) + ': ';
      let cost = headCost + v.length - 1;
      let inl = 2 + v.length - 1;
      for (let i = 0; i < v.length; i++) {
        if (i > 0) text += this.delim;
        text += this.cell(v[i] as JsonValue);
        cost += this.primCost;
        inl += this.inl;
      }
      this.out.push(text);
      this.inl = inl;
      return cost;
    }
    if (objects) {
      const plan = planTable(v as JsonObject[]);
      if (plan) {
        if ((plan.density > 0.6 && v.length >= 3) || v.length > 200) {
          const cost = this.table(head, keyCost, v as JsonObject[], plan, depth, flush);
          this.decisive = true;
          this.inl = NEVER;
          return cost;
        }
        // Sparse or short: a list of objects may be cheaper than the table. Rows of primitives
        // are priced as a list without writing it; other rows are written both ways.
        const mark = this.out.length;
        let listCost = this.flatListCost(keyCost, v as JsonObject[], depth);
        if (listCost < 0) {
          listCost = this.list(head, keyCost, v, depth);
          const inl = this.inl;
          const tableMark = this.out.length;
          const cost = this.table(head, keyCost, v as JsonObject[], plan, depth, flush);
          this.inl = inl;
          if (cost < listCost) {
            this.out.splice(mark, tableMark - mark);
            return cost;
          }
          this.out.length = tableMark;
          return listCost;
        }
        const inl = this.inl;
        const cost = this.table(head, keyCost, v as JsonObject[], plan, depth, flush);
        this.inl = inl;
        if (cost <= listCost) return cost;
        this.out.length = mark;
        return this.list(head, keyCost, v, depth);
      }
    }
    if (arrays) {
      this.out.push(head + this.bracket(v.length) + '[]:');
      let cost = headCost + 1;
      let inl = 2 + v.length - 1;
      const rowDepth = flush ? depth : depth + 1;
      const pad = this.pad(rowDepth);
      const rowCost = rowDepth > 0 ? 2 : 1;
      for (const row of v as JsonValue[][]) {
        let text = pad;
        let rowInl = 2 + row.length - 1;
        cost += rowCost + row.length - 1;
        for (let i = 0; i < row.length; i++) {
          if (i > 0) text += this.delim;
          text += this.cell(row[i] as JsonValue);
          cost += this.primCost;
          rowInl += Writer.nested(row[i] as JsonValue, this.inl);
        }
        inl += rowInl - NESTED_MERGE;
        this.out.push(text);
      }
      this.inl = inl;
      return cost;
    }
    return this.list(head, keyCost, v, depth);
  }

  /**
   * What list() would return for rows whose values are all primitives, without writing it
   * (`inl` is set as list() would); -1 when some value is a container.
   */
  private flatListCost(keyCost: number, rows: JsonObject[], depth: number): number {
    let cost = (depth > 0 ? 1 : 0) + keyCost + bracketCost(rows.length, this.withLength) + 2;
    let inl = 2 + rows.length - 1;
    const itemLine = 3; // indentation (items sit at depth + 1), dash, line break
    const fieldLine = 3; // indentation, ":", line break
    for (const row of rows) {
      const keys = Object.keys(row);
      if (keys.length === 0) {
        cost += itemLine;
        inl += 1;
        continue;
      }
      let block = 1;
      let rowInl = 2 + keys.length - 1;
      for (const name of keys) {
        const value = row[name] as JsonValue;
        if (value !== null && typeof value === 'object') return -1;
        this.price(value, Bits.Quote);
        const k = this.key(name).cost;
        block += fieldLine + k + this.primCost;
        rowInl += k + 1 + this.inl;
      }
      cost += Math.min(block, itemLine + rowInl);
      inl += rowInl - NESTED_MERGE;
    }
    this.inl = inl;
    return cost;
  }

  private list(head: string, keyCost: number, v: JsonValue[], depth: number): number {
    this.out.push(head + this.bracket(v.length) + ':');
    let cost = (depth > 0 ? 1 : 0) + keyCost + bracketCost(v.length, this.withLength) + 2;
    let inl = 2 + v.length - 1;
    for (const item of v) {
      cost += this.item(item, depth + 1);
      inl += Writer.nested(item, this.inl);
    }
    this.inl = inl;
    return cost;
  }

  private header(columns: Column[]): string {
    let s = '{';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as Column;
      if (i > 0) s += this.delim;
      s += this.key(c.key).text;
      if (c.optional) s += '?';
      if (c.constant) s += '=' + this.prim(c.constant.value, this.constantUnsafe);
      else if (c.table) s += '[]' + this.header(c.table.columns);
      else if (c.children) s += this.header(c.children);
    }
    return s + '}';
  }

  private headerCost(columns: Column[]): number {
    let cost = 1;
    for (const c of columns) {
      cost += this.key(c.key).cost + 1;
      if (c.constant) {
        this.price(c.constant.value, this.constantUnsafe);
        cost += 1 + this.primCost;
      } else if (c.table) cost += 1 + this.headerCost(c.table.columns);
      else if (c.children) cost += this.headerCost(c.children);
    }
    return cost;
  }

  /**
   * Cells of one row appended to `text`; cell costs are summed into rowCost, filled cells into
   * present; `written` counts the cells and `cells` those up to the last filled one (see row()).
   */
  private rowCost = 0;
  private present = 0;
  private cells = 0;
  private written = 0;
  private rowCells(row: JsonObject | undefined, columns: Column[], text: string): string {
    // A row's keys come in header order (the header is their union in an order every row agrees
    // with), so one walk along them finds the present cells without a lookup per column.
    const keys = row === undefined ? NO_KEYS : Object.keys(row);
    let at = 0;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as Column;
      const present = keys[at] === c.key;
      if (present) at++; // constants and sub-tables are keys of the row too
      if (c.table || c.constant) continue; // sub-table rows follow the row line; constants are in the header
      if (c.children) {
        text = this.rowCells(present ? (row![c.key] as JsonObject) : undefined, c.children, text);
      } else {
        if (this.written > 0) text += this.delim;
        this.written++;
        if (present) {
          text += this.cell(row![c.key] as JsonValue);
          this.rowCost += this.primCost;
          this.present++;
          this.cells = this.written;
        }
      }
    }
    return text;
  }

  /**
   * One row line: `prefix` + its cells, without the trailing empty cells (they can only be absent
   * keys, since an empty string is written `""`, and the decoder reads missing trailing cells as
   * empty). A row with no value keeps one delimiter so that it is not a blank line. Sets
   * rowCost and present, and `cells` to the number of cells the line holds.
   */
  private row(row: JsonObject | undefined, columns: Column[], prefix: string): string {
    this.rowCost = 0;
    this.present = 0;
    this.cells = 0;
    this.written = 0;
    const text = this.rowCells(row, columns, prefix);
    if (this.cells === this.written) return text;
    const keep = this.cells > 0 ? this.cells : Math.min(this.written, 2);
    this.cells = keep;
    // Every cell after the kept ones is empty: the rest of the line is their delimiters.
    return text.slice(0, text.length - (this.written - keep) * this.delim.length);
  }

  private table(head: string, keyCost: number, rows: JsonObject[], plan: TablePlan, depth: number, flush: boolean): number {
    this.out.push(head + this.bracket(rows.length) + this.header(plan.columns) + ':');
    const cost = (depth > 0 ? 1 : 0) + keyCost + bracketCost(rows.length, this.withLength)
      + this.headerCost(plan.columns) + 2;
    return cost + this.rows(rows, plan, flush ? depth : depth + 1);
  }

  /** Row lines at `depth`, each followed by its sub-table rows one level deeper. */
  private rows(rows: JsonObject[], plan: TablePlan, depth: number): number {
    const pad = this.pad(depth);
    const sub = plan.sub;
    const lineCost = depth > 0 ? 2 : 1;
    let cost = 0;
    for (const row of rows) {
      this.out.push(this.row(row, plan.columns, pad));
      cost += lineCost + this.rowCost + delimiterCost(this.cells, this.present);
      if (sub) cost += this.rows(row[sub.key] as JsonObject[], sub.table as TablePlan, depth + 1);
    }
    return cost;
  }

  /** An object whose values are all non-empty objects: `key[N:]{fields}:` + `entry: cells`. */
  private keyedTable(head: string, keyCost: number, v: JsonObject, keys: string[], depth: number, flush: boolean): number {
    if (keys.length < 2) return -1;
    const rows: JsonObject[] = [];
    for (const k of keys) {
      const entry = v[k] as JsonValue;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return -1;
      let empty = true;
      for (const _ in entry) { empty = false; break; }
      if (empty) return -1;
      rows.push(entry);
    }
    const plan = planTable(rows, false, 0.5);
    if (!plan) return -1;
    this.out.push(head + this.bracket(keys.length, true) + this.header(plan.columns) + ':');
    let cost = (depth > 0 ? 1 : 0) + keyCost + bracketCost(keys.length, this.withLength) + this.headerCost(plan.columns) + 2;
    const rowDepth = flush ? depth : depth + 1;
    const pad = this.pad(rowDepth);
    // Like a dense table, a dense keyed table is never beaten by inline JSON: skip that estimate.
    const decisive = plan.density > 0.6 && keys.length >= 3;
    let inl = 2 + keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = this.key(keys[i] as string);
      this.out.push(this.row(rows[i], plan.columns, pad + k.text + ': '));
      cost += (rowDepth > 0 ? 1 : 0) + k.cost + 2 + this.rowCost + delimiterCost(this.cells, this.present);
      if (!decisive) inl += k.cost + 1 + this.nestedInlineCost(rows[i] as JsonObject);
    }
    this.inl = decisive ? NEVER : inl;
    return cost;
  }
}
