/**
 * Planning: for every container of a document, choose its layout (field lines, a table, a list,
 * inline JSON...) by the structural token model of cost.ts, and return the choice as a tree that
 * render.ts writes. Each node carries what its chosen form costs as written and what the
 * value would cost as inline JSON, which its parent needs to make its own choice.
 */
import { bracketCost, nestedCost, NEVER } from './cost.js';
import type { JsonObject, JsonValue } from '../shared/types.js';
import type { FieldsLayout, InlineLayout, Layout, LinesLayout, ListLayout, Planned } from './layout.js';
import { bareCost, bitsOf, FIELD_UNSAFE, type Format, INLINE_UNSAFE, ITEM_UNSAFE, keyOf, quotesCost, type Written } from './format.js';
import { cellLine, headerCost, headerText, keyedRows, namedKeysCost, RowTally, tableRows } from './lines.js';
import { renderBlock } from './render.js';
import { planTable, type TablePlan } from './table.js';

/*
 * When a table is written without weighing it against a list or inline JSON. A table names each
 * key once in its header instead of once per row, so a well-filled table of a few rows or more
 * wins, and pricing the alternatives would only cost time; unless its cells hold containers
 * costly enough that writing them as blocks could save more than that (see blocksMayPay).
 */
/** A table fuller than this (share of header cells holding a value)... */
const DENSE_TABLE = 0.6;
/** ...with at least this many rows is written as a table outright. */
const DENSE_TABLE_MIN_ROWS = 3;
/** Past this many rows any table is written outright: pricing a list of them costs more time than it can save tokens. */
const LONG_TABLE_ROWS = 200;
/** A keyed table (`key[N:]{...}:`) needs this share of its cells filled; sparser entries read better as nested fields. */
const KEYED_TABLE_MIN_DENSITY = 0.5;
/** One entry is no table. */
const KEYED_TABLE_MIN_ENTRIES = 2;
/**
 * A table and its rival (tableOrRival) whose model costs differ by at most this share of the
 * table's are counted with the caller's tokenizer when there is one. The model leans to the
 * table on these choices (repriced); within this share it can still be wrong either way.
 */
const CLOSE_CALL = 0.3;
/**
 * Close calls counted per document at most: each writes and counts two texts up to the
 * document's size, so a document made of such tables nested in each other (rare, or hostile)
 * leaves the rest to the model, and counting never costs more than a few passes over it.
 */
const MAX_COUNTED_CALLS = 4;

/**
 * Lists planned for tables that carry a sub-table, nested in each other, at most; a table deeper
 * than that is written without planning its list. Such a table writes its sub-tables' rows (and
 * theirs) while it is priced, and its list plans those rows again as tables of their own: in a
 * chain of them, each level would write every level below it, work quadratic in the document
 * (a 1 MB chain of 3-row tables, each holding the next as a sub-table, took seconds). With this
 * bound, each row is written by at most MAX_SUB_TABLE_LISTS + 1 of the tables holding it. Real
 * data rarely nests such choices past two; past that a chain is written as nested tables.
 */
const MAX_SUB_TABLE_LISTS = 2;

/** No rows under a head line. */
const NO_LINES: readonly string[] = [];

/** What a run of fields costs as lines (`block`) and as the members of an inline object. */
interface Costs {
  block: number;
  inline: number;
}

/**
 * Chooses the layout of every container in a document.
 *
 * Work is linear in the document, however its containers nest (a request must not hold a thread
 * for seconds): each container is planned once (a choice plans each alternative once, and a
 * table writes its container cells inline instead of planning them); inline forms, their costs
 * and their merge counts are memoised per container (Format), and never read back from text, which
 * is a rope holding the whole subtree; the one place where a table writes rows that a list would
 * plan again, sub-tables, is bounded by MAX_SUB_TABLE_LISTS; close calls counted with the
 * caller's tokenizer, by MAX_COUNTED_CALLS. test/linear.test.ts holds this to account.
 */
export class Planner {
  /** `count`: the caller's tokenizer (the countTokens option), if any: close choices between a table and its rival are counted. */
  constructor(private readonly f: Format, private readonly count?: (text: string) => number) {}

  /** Close calls this document may still count (see MAX_COUNTED_CALLS). */
  private countedCalls = MAX_COUNTED_CALLS;
  /** Lists being planned for tables that carry a sub-table, nested (see MAX_SUB_TABLE_LISTS). */
  private subTableLists = 0;

  /** The document's layout; a root object's fields sit at depth 0 without a head line. */
  root(v: JsonValue & object): Layout {
    if (Array.isArray(v)) {
      if (v.length === 0) return { form: 'inline', value: v, cost: 1, inline: 1 };
      return preferInline(this.array(0, v, 0), 0, v);
    }
    const keys = Object.keys(v);
    const fields: Planned[] = [];
    const costs = this.fields(v, keys, 0, fields);
    return { form: 'fields', value: v, keys, fields, cost: costs.block, inline: costs.inline };
  }

  /**
   * The fields of `v` as lines at `depth`: each field's layout goes to `layouts`; returns their
   * cost as lines and as the members of the inline object (brackets and commas included).
   */
  private fields(v: JsonObject, keys: string[], depth: number, layouts: Planned[]): Costs {
    if (keys.length === 0) return { block: 0, inline: 1 };
    let block = 0;
    let inline = 2 + keys.length - 1;
    for (const name of keys) {
      const k = keyOf(name);
      const value = v[name] as JsonValue;
      if (value === null || typeof value !== 'object') {
        const bits = bitsOf(value);
        const bare = bareCost(value);
        block += fieldLineCost(k, depth) + bare + quotesCost(bits, FIELD_UNSAFE);
        inline += k.cost + 1 + bare + quotesCost(bits, INLINE_UNSAFE);
        layouts.push(typeof value === 'string' && (bits & FIELD_UNSAFE) === 0 ? value : null);
      } else {
        const layout = this.field(k, value, depth);
        block += layout.cost;
        inline += k.cost + 1 + nestedCost(value, layout.inline);
        layouts.push(layout);
      }
    }
    return { block, inline };
  }

  /** A field holding a container: `key: []`, `key:` + field lines, `key[N]...`, a keyed table, or `key: {inline}`. */
  private field(k: Written, v: JsonValue & object, depth: number): Layout {
    const lineCost = fieldLineCost(k, depth);
    if (Array.isArray(v)) {
      if (v.length === 0) return { form: 'inline', value: v, cost: lineCost + 1, inline: 1 };
      return preferInline(this.array(k.cost, v, depth), lineCost, v);
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return { form: 'fields', value: v, keys, fields: [], cost: lineCost, inline: 1 };
    const keyed = this.keyedTable(k.cost, v, keys, depth);
    if (keyed && !keyed.rival) return preferInline(keyed.layout, lineCost, v);
    const fields: Planned[] = [];
    const costs = this.fields(v, keys, depth + 1, fields);
    const lines: FieldsLayout = { form: 'fields', value: v, keys, fields, cost: lineCost + costs.block, inline: costs.inline };
    // A keyed table whose cells may be cheaper as blocks is weighed against these field lines.
    return preferInline(keyed?.rival ? this.tableOrRival(keyed.layout, keyed.rival, lines, depth) : lines, lineCost, v);
  }

  /** A list item holding a container at `depth`: `- [inline]`, `-` (empty object), field lines, or `- {inline}`. */
  private item(v: JsonValue & object, depth: number): Layout {
    const lineCost = itemLineCost(depth);
    if (Array.isArray(v)) {
      const form = this.f.inline(v);
      return { form: 'inline', value: v, cost: lineCost + form.cost, inline: form.cost };
    }
    const keys = Object.keys(v);
    const fields: Planned[] = [];
    if (keys.length === 0) return { form: 'fields', value: v, keys, fields, cost: lineCost, inline: 1 };
    const costs = this.fields(v, keys, depth + 1, fields);
    // The first field shares the dash line: the dash and its space replace that line's indentation.
    return preferInline({ form: 'fields', value: v, keys, fields, cost: 1 + costs.block, inline: costs.inline }, lineCost, v);
  }

  /** An array's head line but for a table header: indentation, key, brackets, ":" and the line break. */
  private headCost(keyCost: number, length: number, depth: number): number {
    return (depth > 0 ? 1 : 0) + keyCost + bracketCost(length, this.f.withLength) + 2;
  }

  /** The layout of a non-empty array after a key costing `keyCost` (0 at the root): values, table, matrix or list. */
  private array(keyCost: number, v: JsonValue[], depth: number): Layout {
    const f = this.f;
    const shape = shapeOf(v);
    const headCost = this.headCost(keyCost, v.length, depth);
    if (shape === Shape.Primitives) {
      const line = cellLine(f, f.bracket(v.length) + ': ', v);
      return { form: 'lines', head: line.text, lines: NO_LINES, cost: headCost + line.cost, inline: line.inline };
    }
    if (shape === Shape.Objects) {
      const rows = v as JsonObject[];
      const plan = planTable(rows);
      if (plan) return this.tableOrList(keyCost, rows, plan, depth);
    }
    if (shape === Shape.Arrays) return this.matrix(headCost, v as JsonValue[][], depth);
    return this.list(keyCost, v, depth);
  }

  /** An array of objects that can be a table: the table, unless a list costs less. */
  private tableOrList(keyCost: number, rows: JsonObject[], plan: TablePlan, depth: number): Layout {
    if ((plan.density > DENSE_TABLE && rows.length >= DENSE_TABLE_MIN_ROWS) || rows.length > LONG_TABLE_ROWS) {
      const tally = rivalTally();
      const table = this.table(keyCost, rows, plan, depth, NEVER, tally);
      if (!blocksMayPay(this.f, plan, tally.nested) || !this.mayPlanList(plan)) return table;
      return this.tableOrRival(table, tally, this.rowList(keyCost, rows, plan, depth), depth);
    }
    // Rows of primitives only are priced as a list without planning one (the common case); a tie
    // then goes to the table. Other rows are planned both ways, and a tie goes to the list.
    const flat = this.flatListCosts(keyCost, rows, depth);
    if (flat) {
      const table = this.table(keyCost, rows, plan, depth, flat.inline);
      return table.cost <= flat.block ? table : this.list(keyCost, rows, depth);
    }
    if (!this.mayPlanList(plan)) return this.table(keyCost, rows, plan, depth, NEVER);
    const list = this.rowList(keyCost, rows, plan, depth);
    const table = this.table(keyCost, rows, plan, depth, list.inline);
    return table.cost < list.cost ? table : list;
  }

  /** Whether the rows that `plan` lays out as a table may be planned as a list too (see MAX_SUB_TABLE_LISTS). */
  private mayPlanList(plan: TablePlan): boolean {
    return plan.sub === null || this.subTableLists < MAX_SUB_TABLE_LISTS;
  }

  /** list() of rows that `plan` lays out as a table, counting the lists of tables with a sub-table. */
  private rowList(keyCost: number, rows: JsonObject[], plan: TablePlan, depth: number): ListLayout {
    if (plan.sub === null) return this.list(keyCost, rows, depth);
    this.subTableLists++;
    const list = this.list(keyCost, rows, depth);
    this.subTableLists--;
    return list;
  }

  /**
   * A table whose container cells might be cheaper as blocks (blocksMayPay), or `rival`, the same
   * value as a list or field lines; for this choice the table is priced with the merges of its
   * container cells taken off (repriced, from `tally`). A tie goes to the table. With the caller's
   * tokenizer, a choice the model calls close is counted: both texts are written here, which only
   * happens where those cells are large.
   */
  private tableOrRival(table: LinesLayout, tally: RowTally, rival: Layout, depth: number): Layout {
    const count = this.count;
    const counting = count !== undefined && this.countedCalls > 0;
    // Repricing only lowers the table's cost, so a rival above the table's model cost (beyond the
    // close-call share when counting) loses either way; most rivals do, and skip the merge walk.
    const margin = rival.cost - table.cost;
    if (counting ? margin > CLOSE_CALL * table.cost : margin >= 0) return table;
    const tableCost = repriced(this.f, table.cost, tally);
    if (counting && Math.abs(rival.cost - tableCost) <= CLOSE_CALL * tableCost) {
      this.countedCalls--;
      const f = this.f;
      return count(renderBlock(f, rival, depth).join('\n')) < count(renderBlock(f, table, depth).join('\n')) ? rival : table;
    }
    return rival.cost < tableCost ? rival : table;
  }

  /** `key[N]{header}:` and a row line per object (`inline`: what the array costs as inline JSON). */
  private table(keyCost: number, rows: JsonObject[], plan: TablePlan, depth: number, inline: number, tally?: RowTally): LinesLayout {
    const f = this.f;
    const lines: string[] = [];
    const cost = this.headCost(keyCost, rows.length, depth) + headerCost(f, plan.columns) + tableRows(f, rows, plan, f.rowDepth(depth), lines, tally);
    return { form: 'lines', head: f.bracket(rows.length) + headerText(f, plan.columns) + ':', lines, cost, inline };
  }

  /**
   * What list() would cost for rows whose values are all primitives, priced without planning it;
   * null when some value is a container.
   */
  private flatListCosts(keyCost: number, rows: JsonObject[], depth: number): Costs | null {
    let block = this.headCost(keyCost, rows.length, depth);
    let inline = 2 + rows.length - 1;
    const itemLine = itemLineCost(depth + 1);
    for (const row of rows) {
      const keys = Object.keys(row);
      if (keys.length === 0) {
        block += itemLine;
        inline += 1;
        continue;
      }
      let lines = 1; // the first field shares the dash line
      let rowInline = 2 + keys.length - 1;
      const values = Object.values(row); // in the order of keys, without a keyed load per field
      for (let i = 0; i < keys.length; i++) {
        const value = values[i] as JsonValue;
        if (value !== null && typeof value === 'object') return null;
        const bits = bitsOf(value);
        const bare = bareCost(value);
        const k = keyOf(keys[i] as string);
        lines += fieldLineCost(k, depth + 2) + bare + quotesCost(bits, FIELD_UNSAFE);
        rowInline += k.cost + 1 + bare + quotesCost(bits, INLINE_UNSAFE);
      }
      block += Math.min(lines, itemLine + rowInline);
      inline += nestedCost(row, rowInline);
    }
    return { block, inline };
  }

  /** `key[N]:` and a `- item` line per element. */
  private list(keyCost: number, v: JsonValue[], depth: number): ListLayout {
    let cost = this.headCost(keyCost, v.length, depth);
    let inline = 2 + v.length - 1;
    const items: Planned[] = [];
    for (const item of v) {
      if (item === null || typeof item !== 'object') {
        const bits = bitsOf(item);
        const bare = bareCost(item);
        cost += itemLineCost(depth + 1) + bare + quotesCost(bits, ITEM_UNSAFE);
        inline += bare + quotesCost(bits, INLINE_UNSAFE);
        items.push(typeof item === 'string' && (bits & ITEM_UNSAFE) === 0 ? item : null);
      } else {
        const layout = this.item(item, depth + 1);
        cost += layout.cost;
        inline += nestedCost(item, layout.inline);
        items.push(layout);
      }
    }
    return { form: 'list', head: this.f.bracket(v.length) + ':', value: v, items, cost, inline };
  }

  /** Arrays of non-empty arrays: `key[N][]:` and a row line of cells per array. */
  private matrix(headCost: number, v: JsonValue[][], depth: number): LinesLayout {
    const f = this.f;
    const rowDepth = f.rowDepth(depth);
    const pad = f.pad(rowDepth);
    // indentation (when there is any) and the line break
    const lineCost = rowDepth > 0 ? 2 : 1;
    let cost = headCost + 1;
    let inline = 2 + v.length - 1;
    const lines: string[] = [];
    for (const row of v) {
      const line = cellLine(f, pad, row);
      lines.push(line.text);
      cost += lineCost + line.cost;
      inline += nestedCost(row, line.inline);
    }
    return { form: 'lines', head: f.bracket(v.length) + '[]:', lines, cost, inline };
  }

  /**
   * An object whose values are all non-empty objects, as `key[N:]{fields}:` + `entry: cells`;
   * null when it cannot be one. `rival`: when its cells hold containers that nested field lines
   * might write for less (blocksMayPay), the tally of those cells, and the caller must price the
   * field lines too; null otherwise.
   */
  private keyedTable(keyCost: number, v: JsonObject, keys: string[], depth: number): { layout: LinesLayout; rival: RowTally | null } | null {
    if (keys.length < KEYED_TABLE_MIN_ENTRIES) return null;
    const rows: JsonObject[] = [];
    for (const k of keys) {
      const entry = v[k] as JsonValue;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return null;
      let empty = true;
      for (const _ in entry) { empty = false; break; }
      if (empty) return null;
      rows.push(entry);
    }
    const plan = planTable(rows, { subTables: false, minDensity: KEYED_TABLE_MIN_DENSITY });
    if (!plan) return null;
    const f = this.f;
    const lines: string[] = [];
    const tally = rivalTally();
    const cost = this.headCost(keyCost, keys.length, depth) + headerCost(f, plan.columns) + keyedRows(f, keys, rows, plan, f.rowDepth(depth), lines, tally);
    // Like a dense table, a dense keyed table always wins: its inline form is not even priced.
    let inline = NEVER;
    if (!(plan.density > DENSE_TABLE && keys.length >= DENSE_TABLE_MIN_ROWS)) {
      inline = 2 + keys.length - 1;
      for (let i = 0; i < keys.length; i++) {
        const row = rows[i] as JsonObject;
        inline += keyOf(keys[i] as string).cost + 1 + nestedCost(row, f.inlineCost(row));
      }
    }
    const layout: LinesLayout = { form: 'lines', head: f.bracket(keys.length, true) + headerText(f, plan.columns) + ':', lines, cost, inline };
    return { layout, rival: blocksMayPay(f, plan, tally.nested) ? tally : null };
  }
}

/**
 * Whether rows written as field lines (a list, or an object's nested fields) might cost less than
 * the table just priced, whose container cells cost `nested` tokens as inline JSON. Field lines
 * name every key in every row, which the table's header does once; they can only win back what
 * the table's container cells cost, where a block may lay out a container for less than inline
 * JSON (an array of records becomes a table instead of repeating its keys per record). Until
 * those cells cost more than the keys field lines would add, the table wins and the rival is
 * never priced: rows of primitives and small containers, the common case, pay nothing more.
 */
function blocksMayPay(f: Format, plan: TablePlan, nested: number): boolean {
  return nested > 0 && nested > namedKeysCost(plan.columns) - headerCost(f, plan.columns);
}

/** A row tally that keeps the container cells blocksMayPay weighs, for repriced(). */
function rivalTally(): RowTally {
  const tally = new RowTally();
  tally.nestedCells = [];
  return tally;
}

/**
 * A table's cost `cost` for the choice against its rival only, less what tokenizers merge in its
 * container cells (inlineMerges). The model prices inline JSON mark by mark, while tokenizers
 * merge `},{` and often join a `,` to the key after it (`,status`): a token or more per record of
 * an array of records. That bias never mattered for a table written outright, but would sway
 * this choice to lists that are not cheaper; taking off every merge the cells could have leans
 * the choice to the table, which the planner always wrote before. The count is memoised per
 * container and never reads the cells' text (Format.inlineMerges), so tables nested in such
 * cells, each repriced, still read each character of the document once.
 */
function repriced(f: Format, cost: number, tally: RowTally): number {
  for (const cell of tally.nestedCells as (JsonValue & object)[]) cost -= f.inlineMerges(cell);
  return cost;
}

/** `layout` of `value`, or `value` as inline JSON after its head when that costs fewer tokens. */
function preferInline(layout: Layout, lineCost: number, value: JsonValue & object): Layout {
  const inline = lineCost + layout.inline;
  return inline < layout.cost ? { form: 'inline', value, cost: inline, inline: layout.inline } : layout;
}

/** Indentation, key, ":" and the line break of a field line at `depth`. */
function fieldLineCost(k: Written, depth: number): number {
  return (depth > 0 ? 1 : 0) + k.cost + 2;
}

/** Indentation, dash and the line break of a list item at `depth`. */
function itemLineCost(depth: number): number {
  return (depth > 0 ? 1 : 0) + 2;
}

const enum Shape { Primitives, Objects, Arrays, Mixed }

/** What a non-empty array holds: only primitives, only objects, only non-empty arrays, or a mix. */
function shapeOf(v: JsonValue[]): Shape {
  let primitives = true;
  let objects = true;
  let arrays = true;
  for (let i = 0; i < v.length; i++) {
    const item = v[i] as JsonValue;
    if (item === null || typeof item !== 'object') { objects = false; arrays = false; }
    else if (Array.isArray(item)) { primitives = false; objects = false; if (item.length === 0) arrays = false; }
    else { primitives = false; arrays = false; }
    if (!primitives && !objects && !arrays) return Shape.Mixed;
  }
  return primitives ? Shape.Primitives : objects ? Shape.Objects : arrays ? Shape.Arrays : Shape.Mixed;
}
