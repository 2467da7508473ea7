/**
 * Hostile requests against a running server, one at a time, each with a concurrent `GET /`
 * every 5 ms: the latency of that health check while the hostile request runs shows whether the
 * request held the event loop (goal: p99 under 50 ms). Used by `npm run bench:server`
 * (`BENCH_ONLY=hostile` runs this part alone, against KAIZEN_BENCH_BIN if set).
 */
import { randomBytes } from 'node:crypto';
import { nestedTables } from '@kaizen/testkit';

export interface HostileCase {
  name: string;
  path: string;
  body: () => string;
}

export interface HostileResult {
  name: string;
  status: number;
  requestMs: number;
  pings: number;
  /** Health checks that failed (e.g. reset by the server's own deadline while it was blocked). */
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

/** A KTOF table of `rows` rows under a header of `columns` columns. */
function wideTable(columns: number, rows: number): string {
  const names = Array.from({ length: columns }, (_, i) => `c${i}`);
  const row = names.map((_, i) => i).join(',');
  return `[${rows}]{${names.join(',')}}:\n${Array(rows).fill(row).join('\n')}`;
}

/** Every model family the server counts with (12), so one body is counted 12 times. */
const MANY_MODELS = ['gpt-4o', 'gpt-4.1', 'gpt-5', 'o3', 'gpt-4', 'gpt-3.5-turbo', 'claude-sonnet-4', 'gemini-2.5-pro', 'llama-3.1-70b', 'mistral-large', 'deepseek-chat', 'qwen-2.5'];

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'decompress: header of 8,000 columns, 40 rows (1.7 MB)', path: '/v1/decompress', body: () => JSON.stringify({ data: wideTable(8_000, 40) }) },
  { name: 'decompress: header of 50,000 columns (0.4 MB)', path: '/v1/decompress', body: () => JSON.stringify({ data: wideTable(50_000, 1) }) },
  {
    name: 'optimize: 60 KB of fresh random text counted for 12 model families',
    path: '/v1/optimize',
    body: () => JSON.stringify({ data: { notes: randomBytes(45_000).toString('base64') }, token_models: MANY_MODELS }),
  },
  {
    // Each table is priced against a list of its rows, which plans the next table: the encoder
    // must do that without rewriting the levels below at every level (it once took seconds).
    name: 'optimize: tables nested 490 deep in table cells, 8,000-char strings (3.9 MB)',
    path: '/v1/optimize',
    body: () => JSON.stringify({ data: nestedTables(490, 'x'.repeat(8_000), 'cells') }),
  },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs each case `rounds` times (after one warm-up) and keeps the round with the worst ping p99. */
export async function runHostile(url: string, key: string, rounds = 3): Promise<HostileResult[]> {
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const results: HostileResult[] = [];
  for (const c of HOSTILE_CASES) {
    let worst: HostileResult | undefined;
    for (let round = 0; round <= rounds; round++) {
      const body = c.body();
      let done = false;
      let status = 0;
      const started = performance.now();
      const request = fetch(url + c.path, { method: 'POST', headers, body })
        .then(async (r) => {
          status = r.status;
          await r.arrayBuffer();
        })
        .finally(() => (done = true));
      const pings: number[] = [];
      let failed = 0;
      while (!done) {
        const t = performance.now();
        try {
          await (await fetch(url + '/')).arrayBuffer();
        } catch {
          failed++;
        }
        pings.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await request.catch(() => (status = 0));
      const requestMs = performance.now() - started;
      if (round === 0) continue; // warm-up: the worker and tokenizers load
      pings.sort((a, b) => a - b);
      const result = { name: c.name, status, requestMs, pings: pings.length, failed, p50: percentile(pings, 50), p99: percentile(pings, 99), max: pings.at(-1) ?? 0 };
      if (!worst || result.p99 > worst.p99) worst = result;
    }
    results.push(worst!);
  }
  return results;
}

/** The markdown table of runHostile's results. */
export function hostileTable(results: HostileResult[]): string[] {
  const f = (ms: number) => ms.toFixed(1);
  return [
    '| Hostile request | status | its time ms | GET / during it: count | failed | p50 ms | p99 ms | max ms | p99 < 50 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.name} | ${r.status || 'failed'} | ${f(r.requestMs)} | ${r.pings} | ${r.failed} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${r.p99 < 50 && r.failed === 0 ? 'met' : 'NOT met'} |`),
  ];
}
