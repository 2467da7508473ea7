/** A deterministic 10-turn agent loop: each turn a tool call and its result (JSON of varied size, prose, JSON in prose). */
export interface ToolTurn {
  tool: string;
  args: Record<string, unknown>;
  result: string;
}

function records(n: number, seed: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: `R-${seed}-${i}`,
    name: `Item ${(i * 7 + seed) % 97}`,
    price: Math.round(((i + 1) * (seed + 3) * 1.37) % 500) / 4,
    tags: i % 2 ? ['a', 'b'] : ['c'],
    in_stock: (i + seed) % 3 !== 0,
  }));
}

/** Ten tool turns; the first holds JSON too small to pay for the primer, so the primer lands later. */
export function agentTurns(): ToolTurn[] {
  return [
    { tool: 'search', args: { q: 'lamps' }, result: JSON.stringify(records(2, 1)) },
    { tool: 'read_notes', args: { id: 7 }, result: 'The customer prefers warm light and asked twice about delivery times.' },
    { tool: 'search', args: { q: 'desk lamps' }, result: JSON.stringify(records(40, 2)) },
    { tool: 'stock', args: { sku: 'R-2-3' }, result: JSON.stringify({ sku: 'R-2-3', warehouses: records(3, 3) }) },
    { tool: 'search', args: { q: 'floor lamps' }, result: JSON.stringify(records(25, 4), null, 2) },
    { tool: 'prices', args: { skus: ['R-4-1', 'R-4-2'] }, result: `Prices found: ${JSON.stringify(records(10, 5))} (cached 2 min ago)` },
    { tool: 'read_notes', args: { id: 8 }, result: 'No further notes.' },
    { tool: 'search', args: { q: 'bulbs' }, result: JSON.stringify({ results: records(30, 6), page: 1, total: 30 }) },
    { tool: 'reviews', args: { sku: 'R-6-0' }, result: JSON.stringify(records(8, 7).map((r) => ({ ...r, review: `Good ${r.name}` }))) },
    { tool: 'search', args: { q: 'shades' }, result: JSON.stringify(records(15, 8)) },
  ];
}
