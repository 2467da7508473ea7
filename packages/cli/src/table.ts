/** Plain text tables for terminals: right-aligned numbers, two spaces between columns. */

/** Renders rows (the first is the header); the first column is left-aligned, the rest right-aligned. */
export function renderTable(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => indent + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

// Built on first use: constructing it costs ~20 ms, and every command loads this module.
let grouped: Intl.NumberFormat | undefined;

/** 12345 -> "12,345". */
export const formatCount = (n: number): string => (grouped ??= new Intl.NumberFormat('en-US')).format(n);

/** A saving fraction as a signed percentage: 0.4123 -> "41.2%", -0.1 -> "-10.0%". */
export const formatSaving = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
