import type { JsonObject, JsonPrimitive, JsonValue } from '../shared/types.js';
import { isObject, isPrimitive } from './primitives.js';

/** A header column: a leaf cell, or a group flattening a nested object into cells. */
export interface Column {
  key: string;
  /** Some rows lack the key: an empty cell means absent, and the header marks it `key?`. */
  optional: boolean;
  children: Column[] | null;
  /** Sub-table column `key[]{...}`: arrays of objects written as rows indented under each row. */
  table: TablePlan | null;
  /** Constant column `key=value`: every row holds this primitive; written once in the header, no cell. */
  constant: { value: JsonPrimitive } | null;
  /** How many of the rows the column was planned from hold the key. */
  count: number;
}

/** How an array of objects is laid out as a table. */
export interface TablePlan {
  columns: Column[];
  leaves: number;
  /** Share of header cells that hold a value (1 = every row has every key). */
  density: number;
  /** The sub-table column, if any (at most one per table). */
  sub: Column | null;
}

/*
 * Readability limits: a model must be able to map each cell to its field. Flattened groups are
 * where that gets hard (cell 17 of a row of 25 mostly empty cells), so they are bounded; objects
 * beyond the limits are written as inline JSON in their cell, which names its own keys. Plain
 * record tables (one level, `k?` columns) are not limited: the planner weighs them against a list.
 */
/** Groups nest at most this deep: `a{b{c}}` is allowed, `a{b{c{d}}}` writes `c` as inline JSON. */
const MAX_GROUP_DEPTH = 2;
/** A group flattens at most this many leaf cells. */
const MAX_GROUP_LEAVES = 12;
/** A group must fill at least this share of its cells in the rows where it is present. */
const MIN_GROUP_DENSITY = 0.5;
/** A table with groups must fill at least this share of all its leaf cells, or it drops its groups. */
const MIN_LEAF_DENSITY = 0.5;

/** A column is written once as `key=value` when at least this many rows hold the same primitive. */
const MIN_CONSTANT_ROWS = 2;

/** How planTable may lay a table out. */
export interface TableOptions {
  /** A column of arrays of objects may become a sub-table (default true). */
  subTables?: boolean;
  /** Below this share of filled cells there is no table (default 0). */
  minDensity?: number;
  /** Nesting of the group being planned (0 for a table itself). */
  groupDepth?: number;
  /** Columns holding one primitive may become `key=value` (default true; false inside optional groups, whose absence is read from their cells). */
  constants?: boolean;
}

/** A sub-table needs this share of its cells filled; sparser item rows stay lists. */
const MIN_SUB_TABLE_DENSITY = 0.5;

/**
 * Plans a table for `rows` (all plain objects): the header is the order-preserving union of the
 * rows' keys, so every row's keys appear in header order. Returns null when no such order exists
 * or the rows have no keys. Columns whose values are all objects become nested groups when that
 * reads back unambiguously; a required column holding one primitive in every row becomes a
 * constant `key=value`.
 */
export function planTable(rows: readonly JsonObject[], options: TableOptions = {}): TablePlan | null {
  const { subTables = true, minDensity = 0, groupDepth = 0, constants = true } = options;
  const order = unionOrder(rows);
  if (!order) return null;
  const { keys, counts } = order;
  if (keys.length === 0) return null;
  let filled = 0;
  for (const count of counts) filled += count;
  const density = filled / (rows.length * keys.length);
  // Checked before any nested group is planned: callers reject sparse tables outright.
  if (density < minDensity) return null;
  const columns: Column[] = [];
  const hoist = constants && rows.length >= MIN_CONSTANT_ROWS;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const count = counts[i] as number;
    const optional = count < rows.length;
    const constant = hoist && !optional ? constantOf(rows, key) : null;
    const children = constant === null && groupDepth < MAX_GROUP_DEPTH ? groupColumns(rows, key, optional, groupDepth + 1, constants && !optional) : null;
    const column: Column = { key, optional, children, table: null, constant, count };
    columns.push(column);
  }
  if (groupDepth === 0 && columns.some((c) => c.children) && leafDensity(rows, columns) < MIN_LEAF_DENSITY) {
    for (const c of columns) c.children = null;
  }
  const sub = subTables ? pickSubTable(rows, columns) : null;
  let leaves = countLeaves(columns);
  // Each row line needs a cell that can hold a value, or it could be blank (blank lines are skipped).
  if (leaves === 0 || (leaves === 1 && soleCellOptional(columns, false))) {
    if (!unhoist(columns)) return null;
    leaves = countLeaves(columns);
    if (leaves === 1 && soleCellOptional(columns, false)) return null;
  }
  return { columns, leaves, density, sub };
}

/** The primitive every row holds under `key`, or null when rows differ or hold containers. */
function constantOf(rows: readonly JsonObject[], key: string): { value: JsonPrimitive } | null {
  const first = (rows[0] as JsonObject)[key] as JsonValue;
  if (first !== null && typeof first === 'object') return null;
  for (let r = 1; r < rows.length; r++) if (!Object.is((rows[r] as JsonObject)[key], first)) return null;
  return { value: first };
}

/** Turns constant columns back into cells (nested groups included); false when there were none. */
function unhoist(columns: Column[]): boolean {
  let any = false;
  for (const c of columns) {
    if (c.constant) { c.constant = null; any = true; }
    else if (c.children && unhoist(c.children)) any = true;
  }
  return any;
}

/** For a header with one cell: true when that cell may be empty (optional, or in an optional group). */
function soleCellOptional(columns: Column[], inOptional: boolean): boolean {
  for (const c of columns) {
    if (c.table || c.constant) continue;
    if (!c.children) return inOptional || c.optional;
    if (countLeaves(c.children) > 0) return soleCellOptional(c.children, inOptional || c.optional);
  }
  return false;
}

function groupColumns(rows: readonly JsonObject[], key: string, optional: boolean, depth: number, constants: boolean): Column[] | null {
  const values: JsonObject[] = [];
  for (const row of rows) {
    if (!Object.hasOwn(row, key)) continue;
    const v = row[key] as JsonValue;
    if (isPrimitive(v) || !isObject(v)) return null;
    values.push(v);
  }
  const plan = planTable(values, { subTables: false, minDensity: MIN_GROUP_DENSITY, groupDepth: depth, constants });
  if (!plan || countLeaves(plan.columns) > MAX_GROUP_LEAVES) return null;
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

/** Share of a table's leaf cells that hold a value. */
function leafDensity(rows: readonly JsonObject[], columns: Column[]): number {
  return filledLeaves(columns) / (rows.length * countLeaves(columns));
}

/**
 * Leaf cells holding a value over all rows, from the key counts (a group's columns are counted
 * over the rows holding the group, so no row is walked again).
 */
function filledLeaves(columns: Column[]): number {
  let n = 0;
  for (const c of columns) n += c.constant ? 0 : c.children ? filledLeaves(c.children) : c.count;
  return n;
}

/** Cells a row of these columns takes (sub-tables and constants take none). */
function countLeaves(columns: Column[]): number {
  let n = 0;
  for (const c of columns) n += c.table || c.constant ? 0 : c.children ? countLeaves(c.children) : 1;
  return n;
}

/**
 * Picks the required column whose values are all arrays of objects with the most items, and
 * turns it into a sub-table when those items form a table themselves.
 */
function pickSubTable(rows: readonly JsonObject[], columns: Column[]): Column | null {
  let best: Column | null = null;
  let bestItems = 0;
  let bestPlan: TablePlan | null = null;
  for (const c of columns) {
    if (c.optional || c.children || c.constant) continue;
    const items: JsonObject[] = [];
    let ok = true;
    for (const row of rows) {
      const v = row[c.key] as JsonValue;
      if (!Array.isArray(v) || !v.every(isObject)) { ok = false; break; }
      for (const item of v) items.push(item as JsonObject);
    }
    if (!ok || items.length <= bestItems) continue;
    const plan = planTable(items, { minDensity: MIN_SUB_TABLE_DENSITY });
    if (!plan) continue;
    best = c;
    bestItems = items.length;
    bestPlan = plan;
  }
  if (best) best.table = bestPlan;
  return best;
}

/** Widest header the planner will build (wider rows stay lists/inline). */
const MAX_COLUMNS = 256;

/**
 * The union of the rows' keys in an order every row agrees with: a topological sort of the
 * "key a comes right before key b in some row" graph, ties broken by first appearance.
 * Returns null when rows disagree (a cycle) or the union is too wide.
 */
function unionOrder(rows: readonly JsonObject[]): { keys: string[]; counts: number[] } | null {
  if (rows.length === 0) return { keys: [], counts: [] };
  // Uniform rows (the common case) need no graph: the first row's keys are the order.
  const firstKeys = Object.keys(rows[0] as JsonObject);
  let uniform = 1;
  let rowKeys = firstKeys;
  while (uniform < rows.length && sameKeys(rowKeys = Object.keys(rows[uniform] as JsonObject), firstKeys)) uniform++;
  if (uniform === rows.length) {
    return firstKeys.length > MAX_COLUMNS ? null : { keys: firstKeys, counts: new Array<number>(firstKeys.length).fill(rows.length) };
  }
  const seen: string[] = [];
  const index = new Map<string, number>();
  const counts: number[] = [];
  const next: Set<number>[] = [];
  /** Counts a row's keys and links each to the next; false when the union grows too wide. */
  const link = (keys: string[]): boolean => {
    let prev = -1;
    for (const k of keys) {
      let at = index.get(k);
      if (at === undefined) {
        at = seen.length;
        if (at >= MAX_COLUMNS) return false;
        seen.push(k);
        index.set(k, at);
        counts.push(0);
        next.push(new Set());
      }
      counts[at]! += 1;
      if (prev >= 0) (next[prev] as Set<number>).add(at);
      prev = at;
    }
    return true;
  };
  if (!link(firstKeys) || !link(rowKeys)) return null;
  // Rows repeating the first row's keys add no edges; they are only counted, in bulk below.
  let repeats = uniform - 1;
  for (let r = uniform + 1; r < rows.length; r++) {
    const keys = Object.keys(rows[r] as JsonObject);
    if (sameKeys(keys, firstKeys)) repeats++;
    else if (!link(keys)) return null;
  }
  // The first row placed its keys first, so they hold indices 0..length-1.
  for (let i = 0; i < firstKeys.length; i++) counts[i]! += repeats;
  const n = seen.length;
  const indegree = new Array<number>(n).fill(0);
  for (const targets of next) for (const t of targets) indegree[t]! += 1;
  const keys: string[] = [];
  const outCounts: number[] = [];
  const done = new Array<boolean>(n).fill(false);
  for (let placed = 0; placed < n; placed++) {
    let pick = -1;
    for (let i = 0; i < n; i++) if (!done[i] && indegree[i] === 0) { pick = i; break; }
    if (pick < 0) return null; // rows order their keys inconsistently
    done[pick] = true;
    keys.push(seen[pick] as string);
    outCounts.push(counts[pick] as number);
    for (const t of next[pick] as Set<number>) indegree[t]! -= 1;
  }
  return { keys, counts: outCounts };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
