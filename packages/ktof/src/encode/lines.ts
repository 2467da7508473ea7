/**
 * Lines made of cells: table headers and rows, keyed-table rows, matrix rows and primitive arrays.
 * Pricing a cell takes the same walk as writing it (classify the string, then quote it or not),
 * so these lines are written while they are priced, once, and the planner keeps the text in its
 * layout; everything else is priced first and written only if chosen (render.ts).
 */
import type { JsonObject, JsonValue } from '../shared/types.js';
import { quote, stringBits } from '../shared/quoting.js';
import { delimiterCost, nestedCost, QUOTES, stringCost } from './cost.js';
import { bitsOf, type Format, INLINE_UNSAFE, keyOf, primitiveCost, primitiveText, writtenCost } from './format.js';
import { holdsContainer } from './primitives.js';
import type { Column, TablePlan } from './table.js';

/** The keys of an absent row (or group). */
const NO_KEYS: readonly string[] = [];
/** ...and its values. */
const NO_VALUES: readonly JsonValue[] = [];

/** A line of cells with its estimated tokens: the line as written, and its cells in inline JSON. */
export interface CellLine {
  text: string;
  cost: number;
  inline: number;
}

/**
 * Cells joined by the delimiter after `prefix` (a primitive array's `key[N]: ` or a matrix row's
 * indentation): `cost` counts the cells and delimiters, `inline` the elements and commas of the
 * same values as an inline JSON array.
 */
export function cellLine(f: Format, prefix: string, values: readonly JsonValue[]): CellLine {
  let text = prefix;
  let cost = values.length - 1;
  let inline = 2 + values.length - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as JsonValue;
    if (i > 0) text += f.delimiter;
    if (typeof v === 'string') {
      const bits = stringBits(v);
      const c = stringCost(v);
      if ((bits & f.cellUnsafe) === 0) {
        text += v;
        cost += c;
        inline += (bits & INLINE_UNSAFE) === 0 ? c : c + QUOTES;
      } else {
        text += quote(v);
        cost += c + QUOTES;
        // A string the cell quotes (a `|` or `;` in it) is priced quoted inline too: one token at
        // most, and what the layout choices have always been made with.
        inline += c + QUOTES;
      }
    } else if (v === null || typeof v !== 'object') {
      const cell = primitiveText(v, 0); // numbers, booleans and null are never quoted
      text += cell;
      const c = writtenCost(v, cell);
      cost += c;
      inline += c;
    } else {
      const form = f.inline(v);
      text += form.text;
      cost += form.cost;
      inline += nestedCost(v, form.cost);
    }
  }
  return { text, cost, inline };
}

/** A table header `{a,b?,c=1,d{e,f},g[]{h}}`. */
export function headerText(f: Format, columns: Column[]): string {
  let s = '{';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as Column;
    if (i > 0) s += f.delimiter;
    s += keyOf(c.key).text;
    if (c.optional) s += '?';
    if (c.constant) s += '=' + primitiveText(c.constant.value, f.constantUnsafe);
    else if (c.table) s += '[]' + headerText(f, c.table.columns);
    else if (c.children) s += headerText(f, c.children);
  }
  return s + '}';
}

/** Estimated tokens of headerText(columns). */
export function headerCost(f: Format, columns: Column[]): number {
  let cost = 1;
  for (const c of columns) {
    cost += keyOf(c.key).cost + 1;
    if (c.constant) {
      const v = c.constant.value;
      cost += 1 + primitiveCost(v, bitsOf(v), f.constantUnsafe);
    } else if (c.table) cost += 1 + headerCost(f, c.table.columns);
    else if (c.children) cost += headerCost(f, c.children);
  }
  return cost;
}

/**
 * Estimated tokens of the keys under `columns` if every row named its own, as field lines do:
 * each key times the rows holding it (group and sub-table keys included). A table writes them
 * once, in its header.
 */
export function namedKeysCost(columns: Column[]): number {
  let cost = 0;
  for (const c of columns) {
    cost += keyOf(c.key).cost * c.count;
    if (c.table) cost += namedKeysCost(c.table.columns);
    else if (c.children) cost += namedKeysCost(c.children);
  }
  return cost;
}

/** What writing one row's cells found; reset by rowLine for each row (but `nested` and `nestedCells`). */
export class RowTally {
  /** Estimated tokens of the cells' values. */
  cost = 0;
  /** Cells holding a value. */
  present = 0;
  /** Cells up to and including the last one holding a value. */
  kept = 0;
  /** Cells written so far (each but the first preceded by a delimiter). */
  written = 0;
  /**
   * Estimated tokens (as inline JSON) of the cells holding a container that itself holds one (see
   * holdsContainer), over every row written with this tally: what a block layout could save on.
   */
  nested = 0;
  /** Those cells' values, when the caller wants them (see Planner.tableOrList). */
  nestedCells: (JsonValue & object)[] | undefined = undefined;
}

/** Appends the cells of `row` (absent: undefined) under `columns` to `text`. */
function rowCells(f: Format, row: JsonObject | undefined, columns: Column[], text: string, tally: RowTally): string {
  // A row's keys come in header order (the header is their union in an order every row agrees
  // with), so one walk along them finds the present cells without a lookup per column, and the
  // values come in the same order: `values[at]` is the value of `keys[at]`. (Reading `row[key]`
  // instead is a keyed load over rows of many shapes, which V8 serves from its slowest cache.)
  const keys = row === undefined ? NO_KEYS : Object.keys(row);
  const values = row === undefined ? NO_VALUES : Object.values(row);
  let at = 0;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as Column;
    const present = keys[at] === c.key;
    const v = present ? (values[at++] as JsonValue) : null; // constants and sub-tables are keys of the row too
    if (c.table || c.constant) continue; // sub-table rows follow the row line; constants are in the header
    if (c.children) {
      text = rowCells(f, present ? (v as JsonObject) : undefined, c.children, text, tally);
      continue;
    }
    const cell = tally.written++;
    if (!present) continue;
    // The delimiters before this cell: one after the last cell written (if any) and one per
    // empty cell since. Writing them only before a value leaves trailing empty cells out without
    // slicing the line (see rowLine).
    const gap = tally.kept > 0 ? cell - tally.kept + 1 : cell;
    if (gap === 1) text += f.delimiter;
    else if (gap > 1) text += f.delimiter.repeat(gap);
    if (typeof v === 'string') {
      if ((stringBits(v) & f.cellUnsafe) === 0) {
        text += v;
        tally.cost += stringCost(v);
      } else {
        text += quote(v);
        tally.cost += stringCost(v) + QUOTES;
      }
    } else if (v === null || typeof v !== 'object') {
      const cell = primitiveText(v, 0); // numbers, booleans and null are never quoted
      text += cell;
      tally.cost += writtenCost(v, cell);
    } else {
      const form = f.inline(v);
      text += form.text;
      tally.cost += form.cost;
      if (holdsContainer(v)) {
        tally.nested += form.cost;
        tally.nestedCells?.push(v);
      }
    }
    tally.present++;
    tally.kept = tally.written;
  }
  return text;
}

/**
 * One row line: `prefix` + its cells, without the trailing empty cells (they can only be absent
 * keys, since an empty string is written `""`, and the decoder reads missing trailing cells as
 * empty). A row with no value keeps one delimiter so that it is not a blank line. rowCells never
 * writes those trailing delimiters: slicing them off would copy the line, and a cell's inline
 * text is a rope that may hold a whole subtree (tables nested in table cells), so a copy per
 * level would make encoding quadratic in the document's size.
 */
function rowLine(f: Format, row: JsonObject, columns: Column[], prefix: string, tally: RowTally): string {
  tally.cost = 0;
  tally.present = 0;
  tally.kept = 0;
  tally.written = 0;
  const text = rowCells(f, row, columns, prefix, tally);
  if (tally.kept > 0 || tally.written === 0) return text;
  tally.kept = Math.min(tally.written, 2);
  return tally.kept === 2 ? text + f.delimiter : text;
}

/** Estimated tokens of a row line's cells and delimiters, after rowLine. */
function rowCost(tally: RowTally): number {
  return tally.cost + delimiterCost(tally.kept, tally.present);
}

/**
 * The row lines of a table at `depth`, each followed by its sub-table rows one level deeper,
 * appended to `lines`; returns their estimated tokens.
 */
export function tableRows(f: Format, rows: readonly JsonObject[], plan: TablePlan, depth: number, lines: string[], tally = new RowTally()): number {
  const pad = f.pad(depth);
  const sub = plan.sub;
  // indentation (when there is any) and the line break
  const lineCost = depth > 0 ? 2 : 1;
  let cost = 0;
  for (const row of rows) {
    lines.push(rowLine(f, row, plan.columns, pad, tally));
    cost += lineCost + rowCost(tally);
    if (sub) cost += tableRows(f, row[sub.key] as JsonObject[], sub.table as TablePlan, depth + 1, lines, tally);
  }
  return cost;
}

/** The rows of a keyed table at `depth`: `key: cells`, appended to `lines`; returns their estimated tokens. */
export function keyedRows(f: Format, keys: readonly string[], rows: readonly JsonObject[], plan: TablePlan, depth: number, lines: string[], tally = new RowTally()): number {
  const pad = f.pad(depth);
  let cost = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keyOf(keys[i] as string);
    lines.push(rowLine(f, rows[i] as JsonObject, plan.columns, pad + k.text + ': ', tally));
    // indentation, key, ":" and the line break
    cost += (depth > 0 ? 1 : 0) + k.cost + 2 + rowCost(tally);
  }
  return cost;
}
