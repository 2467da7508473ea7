import type { JsonObject, JsonValue } from '../shared/types.js';
import { isObject, isPrimitive } from './primitives.js';

/** A header column: a leaf cell, or a group flattening a nested object into cells. */
export interface Column {
  key: string;
  /** Some rows lack the key: an empty cell means absent, and the header marks it `key?`. */
  optional: boolean;
  children: Column[] | null;
}

/** How an array of objects is laid out as a table. */
export interface TablePlan {
  columns: Column[];
  leaves: number;
  /** Share of header cells that hold a value (1 = every row has every key). */
  density: number;
}

/** Nested groups must fill at least this share of their cells; sparser objects stay inline. */
const MIN_GROUP_DENSITY = 0.34;
const MAX_GROUP_COLUMNS = 32;

/**
 * Plans a table for `rows` (all plain objects): the header is the order-preserving union of the
 * rows' keys, so every row's keys appear in header order. Returns null when no such order exists
 * or the rows have no keys. Columns whose values are all objects become nested groups when that
 * reads back unambiguously.
 */
export function planTable(rows: readonly JsonObject[]): TablePlan | null {
  const keys: string[] = [];
  const counts: number[] = [];
  const index = new Map<string, number>();
  for (let r = 0; r < rows.length; r++) {
    const rowKeys = Object.keys(rows[r] as JsonObject);
    // Fast path: same keys in the same order as the header so far.
    if (rowKeys.length === keys.length) {
      let same = true;
      for (let i = 0; i < rowKeys.length; i++) {
        if (rowKeys[i] !== keys[i]) { same = false; break; }
      }
      if (same) {
        for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] as number) + 1;
        continue;
      }
    }
    let last = -1;
    for (const k of rowKeys) {
      let at = index.get(k);
      if (at === undefined) {
        at = last + 1;
        keys.splice(at, 0, k);
        counts.splice(at, 0, 0);
        for (let i = at; i < keys.length; i++) index.set(keys[i] as string, i);
      } else if (at <= last) return null; // this row orders its keys differently
      counts[at] = (counts[at] as number) + 1;
      last = at;
    }
  }
  if (keys.length === 0) return null;
  const columns: Column[] = [];
  let leaves = 0;
  let filled = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const count = counts[i] as number;
    filled += count;
    const optional = count < rows.length;
    const column: Column = { key, optional, children: groupColumns(rows, key, optional) };
    leaves += column.children ? countLeaves(column.children) : 1;
    columns.push(column);
  }
  // A single optional cell could leave a row line empty, which reads as a blank line.
  if (leaves === 1 && (columns[0] as Column).optional) return null;
  return { columns, leaves, density: filled / (rows.length * keys.length) };
}

function groupColumns(rows: readonly JsonObject[], key: string, optional: boolean): Column[] | null {
  const values: JsonObject[] = [];
  for (const row of rows) {
    if (!Object.hasOwn(row, key)) continue;
    const v = row[key] as JsonValue;
    if (isPrimitive(v) || !isObject(v)) return null;
    values.push(v);
  }
  const plan = planTable(values);
  if (!plan || plan.density < MIN_GROUP_DENSITY || plan.columns.length > MAX_GROUP_COLUMNS) return null;
  // An optional group is absent exactly when all its cells are empty, so each present value
  // must put a value in at least one cell.
  if (optional && !values.every((v) => fillsACell(v, plan.columns))) return null;
  return plan.columns;
}

function fillsACell(obj: JsonObject, columns: Column[]): boolean {
  for (const c of columns) {
    if (!Object.hasOwn(obj, c.key)) continue;
    if (!c.children || fillsACell(obj[c.key] as JsonObject, c.children)) return true;
  }
  return false;
}

function countLeaves(columns: Column[]): number {
  let n = 0;
  for (const c of columns) n += c.children ? countLeaves(c.children) : 1;
  return n;
}
