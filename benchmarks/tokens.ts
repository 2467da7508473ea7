/**
 * Token benchmark: KTOF vs JSON (pretty, compact), YAML, TOON and CSV (flat kinds) on the seeded
 * datasets, counted with gpt-tokenizer (o200k_base and cl100k_base). KTOF is encoded with the
 * counting tokenizer injected (`countTokens`), as the server does, and checked to round-trip.
 */
import { isDeepStrictEqual } from 'node:util';
import { encode as toonEncode } from '@toon-format/toon';
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { stringify as yamlStringify } from 'yaml';
import { decode, encode } from '@kaizen/ktof';
import { datasets, toCsv } from './data/index.js';
import { Report } from './lib/report.js';

/** Seed 42 is the published run (tokens.md); `BENCH_SEED=<n>` checks held-out data (tokens-seed-<n>.md). */
const seed = Number(process.env.BENCH_SEED ?? 42);
const report = new Report();
const pct = (a: number, b: number): string => `${a <= b ? '' : '+'}${(((a - b) / b) * 100).toFixed(1)}%`;

report.print(`# KTOF token benchmark`);
report.print();
report.print(`Datasets: benchmarks/data (seed ${seed}). KTOF is encoded with the counting tokenizer injected.`);
report.print(`Best peer = fewest tokens among JSON pretty, JSON compact, YAML, TOON and CSV (flat kinds only).`);

for (const [tokenizerName, count] of [['o200k_base', o200k], ['cl100k_base', cl100k]] as const) {
  const rows: (string | number)[][] = [];
  const totals = { pretty: 0, compact: 0, yaml: 0, toon: 0, best: 0, ktof: 0 };
  for (const d of datasets(seed)) {
    const ktofText = encode(d.value, { countTokens: count });
    if (!isDeepStrictEqual(decode(ktofText), d.value)) throw new Error(`KTOF round trip failed on ${d.name}`);
    const pretty = count(JSON.stringify(d.value, null, 2));
    const compact = count(JSON.stringify(d.value));
    const yaml = count(yamlStringify(d.value));
    const toon = count(toonEncode(d.value));
    const csvText = d.flat ? toCsv(d.value) : undefined;
    const csv = csvText === undefined ? undefined : count(csvText);
    const peers: [string, number][] = [['JSON pretty', pretty], ['JSON compact', compact], ['YAML', yaml], ['TOON', toon]];
    if (csv !== undefined) peers.push(['CSV', csv]);
    const [bestName, best] = peers.reduce((a, b) => (b[1] < a[1] ? b : a));
    const ktof = count(ktofText);
    totals.pretty += pretty; totals.compact += compact; totals.yaml += yaml; totals.toon += toon; totals.best += best; totals.ktof += ktof;
    rows.push([d.name, pretty, compact, yaml, toon, csv ?? '-', `${best} (${bestName})`, ktof, pct(ktof, best), pct(ktof, compact)]);
  }
  rows.push(['**total**', totals.pretty, totals.compact, totals.yaml, totals.toon, '-', totals.best, totals.ktof, pct(totals.ktof, totals.best), pct(totals.ktof, totals.compact)]);
  report.print();
  report.print(`## ${tokenizerName}`);
  report.print();
  report.table(['kind', 'JSON pretty', 'JSON compact', 'YAML', 'TOON', 'CSV', 'best peer', 'KTOF', 'KTOF vs best', 'KTOF vs compact'], rows);
  report.print();
  const saving = (1 - totals.ktof / totals.best) * 100;
  // Two decimals, truncated: a saving just under the goal must not print as the goal itself.
  const shown = (Math.floor(saving * 100) / 100).toFixed(2);
  report.print(`KTOF total ${totals.ktof} vs sum of per-kind best peer ${totals.best}: ${shown}% fewer (goal: at least 15%) -> ${saving >= 15 ? 'met' : 'NOT met'}`);
}

report.save(seed === 42 ? 'tokens.md' : `tokens-seed-${seed}.md`);
