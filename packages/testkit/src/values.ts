/**
 * Hostile values for the codec: shapes that made the KTOF encoder's work grow faster than the
 * document. Shared by the codec's tests and the server benchmark's hostile requests.
 */

/** How each level of nestedTables holds the next. */
export type NestedTablesKind = 'cells' | 'sub-tables' | 'keyed';

/**
 * `depth` levels of 3-row tables, each holding the next level in its first row (the one whose
 * `a` is `text`; the other rows are small), with `[[1,2],[3]]` at the bottom: 'cells' puts the
 * next level in a cell of a table of records (`[{a,b}]`) whose other rows hold matrices, so the
 * table is priced against a list at every level; 'sub-tables' gives every row an array of
 * records under `b` (empty but the first), a sub-table; 'keyed' nests 2-entry objects of records,
 * keyed tables priced against field lines. Each level adds 2 containers to the nesting.
 */
export function nestedTables(depth: number, text: string, kind: NestedTablesKind): unknown {
  let value: unknown = [[1, 2], [3]];
  for (let i = 0; i < depth; i++) {
    const a = text + i;
    if (kind === 'cells') value = [{ a, b: value }, { a: 'y', b: [[1]] }, { a: 'z', b: [[2]] }];
    else if (kind === 'sub-tables') value = [{ a, b: value }, { a: 'y', b: [] }, { a: 'z', b: [] }];
    else value = { k1: { a, b: value }, k2: { a: 'y', b: { x: { p: 1 }, y: { p: 2 } } } };
  }
  return value;
}
