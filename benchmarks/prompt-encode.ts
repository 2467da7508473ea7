/**
 * npm run bench:prompt-encode — the CPU time one request costs in the engine, in-process (no HTTP,
 * a store that keeps nothing): prompts.encode on the chats of bench:server (cycled, so the per-string caches are
 * warm as in its cached row, and every prompt new) and of bench:prompts, compress and decompress on
 * the bench:speed datasets, and decompress of prompts.encode results. The engine of the working tree is timed against the engine at
 * BENCH_BASELINE (default: where this branch left main), both bundled alike (engine-bundle.ts),
 * each sample a child process timing one engine, the sides alternating over BENCH_ROUNDS rounds
 * (default 6): other load on a shared CPU only adds time, so each side's fastest sample is its
 * least disturbed one, and the range of the per-round ratios shows how noisy the run was.
 * Writes benchmarks/results/prompt-encode.md.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleDir, bundleEngine } from './lib/engine-bundle.js';
import { Report } from './lib/report.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const budgetMs = Number(process.env.BENCH_MS ?? 1500);
const ref = process.env.BENCH_BASELINE ?? execFileSync('git', ['merge-base', 'HEAD', 'main'], { encoding: 'utf8' }).trim();
const label = ref.length === 40 ? ref.slice(0, 7) : ref;

const timer = fileURLToPath(new URL('./lib/prompt-encode-timer.ts', import.meta.url));
const sample = (file: string): Record<string, number> =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', timer, file, String(budgetMs)], { encoding: 'utf8' })) as Record<string, number>;

const dir = bundleDir();
try {
  const files = { old: await bundleEngine(ref, dir), now: await bundleEngine(undefined, dir) };
  const ms = { old: [] as Record<string, number>[], now: [] as Record<string, number>[] };
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? (['old', 'now'] as const) : (['now', 'old'] as const)) ms[side].push(sample(files[side]));
    console.error(`round ${r + 1}/${rounds} done`);
  }
  const report = new Report();
  const f3 = (x: number): string => x.toFixed(3);
  const pct = (r: number): string => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
  report.print(`# Engine CPU per request: working tree vs ${label}`);
  report.print();
  report.print(
    `\`npm run bench:prompt-encode\`: CPU ms per request (user + system, all threads of the process) in-process (engine with a store that keeps nothing, request bodies parsed from JSON text; no HTTP), ` +
      `fastest of ${rounds} samples per side, each a child process timing one engine for ~${budgetMs} ms per set after a warm-up of half that, ` +
      `the sides alternating (node ${process.version}, ${cpus().length} CPU). "change": time now vs ${label} (negative is faster); "rounds": range of the per-round changes.`,
  );
  report.print();
  const rows = Object.keys(ms.now[0]!).map((set) => {
    const [old, now] = [ms.old.map((m) => m[set]!), ms.now.map((m) => m[set]!)];
    const [bestOld, bestNow] = [Math.min(...old), Math.min(...now)];
    const pairs = now.map((n, k) => n / old[k]!);
    return [set, f3(bestOld), f3(bestNow), pct(bestNow / bestOld), `${pct(Math.min(...pairs))} .. ${pct(Math.max(...pairs))}`];
  });
  report.table(['requests', `ms ${label}`, 'ms now', 'change', 'rounds'], rows);
  report.save('prompt-encode.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
