/**
 * Speed benchmark: throughput in MB of compact JSON per second for KTOF encode/decode vs
 * JSON.stringify/JSON.parse and TOON, side by side on the same seeded data, plus the streaming
 * decoder's peak heap on a ~100 MB generated document. Run with --expose-gc.
 *
 * `BENCH_BASELINE=<git ref> npm run bench:speed` instead times the codec of the working tree
 * against the codec at that ref and against a copy of itself (an A/A control), interleaved in
 * the same child processes over many short rounds of CPU time, and reports the median per-round
 * ratio with a bootstrap interval; it writes speed-vs-baseline.md (compareWithBaseline).
 */
import { decode as toonDecode, encode as toonEncode } from '@toon-format/toon';
import { decode, encode, KtofStreamDecoder } from '@kaizen/ktof';
import { datasets } from './data/index.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleCodec, type Codec } from './lib/baseline.js';
import type { Op, Side, TimerOutput } from './lib/codec-timer.js';
import { cpuSnapshot, describeLoad } from './lib/machine-load.js';
import { Report } from './lib/report.js';
import { bootstrap, geoMean, median, type Interval } from './lib/stats.js';

const seed = Number(process.env.BENCH_SEED ?? 42);
const budgetMs = Number(process.env.BENCH_MS ?? 400);
const report = new Report();
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {});

/** Runs `fn` repeatedly for about budgetMs (after a warm-up) and returns MB/s of `bytes`. */
function throughput(bytes: number, fn: () => unknown): number {
  for (let i = 0; i < 5; i++) fn();
  gc();
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    fn();
    runs++;
    elapsed = performance.now() - start;
  }
  return (bytes * runs) / (elapsed / 1000) / 1e6;
}

const f1 = (x: number): string => x.toFixed(1);

/**
 * The defaults, and the least a run must do to write speed-vs-baseline.md: 6 x 12 rounds of
 * ~20 ms samples give each kind 72 ratios and the geometric mean an interval of about +-1.5% on
 * a busy 2-core VM (about 3 minutes); shortened runs print their table only.
 */
const FULL_RUN = { procs: 6, rounds: 12, sampleMs: 20 };

/** Ratio of the old side's CPU time to the other side's, round by round: above 1, the other side is faster. */
function roundRatios(old: readonly number[], other: readonly number[]): number[] {
  return old.map((o, r) => o / (other[r] as number));
}

/**
 * Old codec vs the working tree's, side by side in the same processes (codec-timer.ts): each
 * child holds the old codec, a second copy of it (the A/A control) and the new one, and times
 * the three back to back over many short rounds, in CPU time. BENCH_PROCS children (default 6)
 * run one after another, BENCH_ROUNDS rounds each (default 12), BENCH_SAMPLE_MS per sample
 * (default 20), after BENCH_WARM_MS (150) of warm-up per codec, dataset and operation. The figure per kind is the median of the per-round ratios; its 95% interval is
 * bootstrapped over processes and rounds (stats.ts); the A/A control, measured the same way in
 * the same run, shows what the method reads when nothing changed.
 */
async function compareWithBaseline(ref: string): Promise<void> {
  const procs = Number(process.env.BENCH_PROCS ?? FULL_RUN.procs);
  const rounds = Number(process.env.BENCH_ROUNDS ?? FULL_RUN.rounds);
  const sampleMs = Number(process.env.BENCH_SAMPLE_MS ?? FULL_RUN.sampleMs);
  const warmMs = Number(process.env.BENCH_WARM_MS ?? 150);
  const full = procs >= FULL_RUN.procs && rounds >= FULL_RUN.rounds && sampleMs >= FULL_RUN.sampleMs;
  const dir = mkdtempSync(join(tmpdir(), 'ktof-baseline-'));
  try {
    const files = { old: await bundleCodec(ref, dir), now: await bundleCodec(undefined, dir) };
    const [before, after] = [await import(pathToFileURL(files.old).href), await import(pathToFileURL(files.now).href)] as Codec[];
    const data = datasets(seed).map((d) => {
      if (after!.encode(d.value) !== before!.encode(d.value)) throw new Error(`${d.name}: the two codecs encode differently`);
      return { name: d.name, bytes: Buffer.byteLength(JSON.stringify(d.value)) };
    });
    const timer = fileURLToPath(new URL('./lib/codec-timer.ts', import.meta.url));
    const start = cpuSnapshot();
    const ownStart = process.cpuUsage();
    const outputs: TimerOutput[] = [];
    for (let p = 0; p < procs; p++) {
      const args = ['--import', 'tsx', timer, files.old, files.now, String(sampleMs), String(warmMs), String(rounds), String(seed), String(p)];
      outputs.push(JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as TimerOutput);
      console.error(`process ${p + 1} of ${procs} done`);
    }
    const own = process.cpuUsage(ownStart);
    const load = describeLoad(start, cpuSnapshot(), outputs.reduce((sum, o) => sum + o.cpuSeconds, 0) + (own.user + own.system) / 1e6);

    const rows: string[][] = data.map((d) => [d.name]);
    const summary: Record<Op, string[][]> = { encode: [], decode: [] };
    const lines: string[] = [];
    for (const op of ['encode', 'decode'] as const) {
      const samples = data.map((d) => outputs.map((o) => o.cpu[op][d.name]!));
      const changes = samples.map((perProcess) => perProcess.map((s) => roundRatios(s.old, s.now)));
      const controls = samples.map((perProcess) => perProcess.map((s) => roundRatios(s.old, s.copy)));
      const mbps = (side: Side) => data.map((d, i) => d.bytes / median(samples[i]!.flatMap((s) => s[side])) / 1e3);
      const speeds = { old: mbps('old'), copy: mbps('copy'), now: mbps('now') };
      data.forEach((_, i) => {
        const change = bootstrap([changes[i]!], ([m]) => m!);
        const control = bootstrap([controls[i]!], ([m]) => m!);
        rows[i]!.push(f1(speeds.old[i]!), f1(speeds.now[i]!), pct(change.estimate), range(change), pct(control.estimate));
      });
      const change = bootstrap(changes, geoMean);
      const control = bootstrap(controls, geoMean);
      summary[op].push(
        [f1(geoMean(speeds.old)), f1(geoMean(speeds.now)), pct(change.estimate), range(change), pct(control.estimate)],
        [f1(geoMean(speeds.old)), f1(geoMean(speeds.copy)), pct(control.estimate), range(control), '-'],
      );
      lines.push(`- ${op}: ${pct(change.estimate)} (95% interval ${range(change)}); A/A control ${pct(control.estimate)} (${range(control)}). ${verdict(change, control)}`);
    }
    const waits = outputs.flatMap((o) => o.waits);
    report.print(`# KTOF speed: working tree vs ${ref}`);
    report.print();
    report.print(`MB of compact JSON per second of CPU time (medians), node ${process.version}, seed ${seed}. Method: ${procs} child processes one after another, each holding three codecs bundled alike: ${ref}, a second copy of ${ref} (the A/A control: identical code, compiled again) and the working tree, checked to encode identically. After a warm-up on every dataset, each process runs ${rounds} rounds; a round times the three codecs back to back (~${sampleMs} ms each, the same number of runs, the order rotating through all six), so each ratio compares samples taken milliseconds apart. "change": the median of the per-round ratios ${ref} CPU time / now CPU time, minus 1 (negative: now is slower); "95%": its bootstrap interval, resampling processes, then rounds; "A/A": the same ratio between the two copies of ${ref}, which only noise and method bias move.`);
    report.print();
    const header = ['kind', `encode ${ref}`, 'encode now', 'change', '95%', 'A/A', `decode ${ref}`, 'decode now', 'change', '95%', 'A/A'];
    const geoRow = ['**geometric mean**', ...summary.encode[0]!, ...summary.decode[0]!];
    const controlRow = [`**A/A control** (copy of ${ref} as "now")`, ...summary.encode[1]!, ...summary.decode[1]!];
    report.table(header, [...rows, geoRow, controlRow]);
    report.print();
    for (const line of lines) report.print(line);
    report.print();
    report.print(`Machine during the run: ${load}. Samples' wall time over CPU time: median ${median(waits).toFixed(2)}, ${((100 * waits.filter((w) => w > 1.5).length) / waits.length).toFixed(0)}% above 1.5 (time spent waiting for a core, which CPU time leaves out; caches shared with busy neighbours still slow both sides).`);
    if (full) report.save('speed-vs-baseline.md');
    else report.print(`\n(A shortened run: BENCH_PROCS >= ${FULL_RUN.procs}, BENCH_ROUNDS >= ${FULL_RUN.rounds} and BENCH_SAMPLE_MS >= ${FULL_RUN.sampleMs} write the results file.)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `-1.2% .. +0.8%`. */
const range = (i: Interval): string => `${pct(i.low)} .. ${pct(i.high)}`;

/** What an interval says about the 3% goal, and whether the A/A control vouches for the method. */
function verdict(change: Interval, control: Interval): string {
  const goal = 0.97;
  const real = change.low > 1 || change.high < 1 ? 'A real difference (the interval excludes 0)' : 'No difference this run can tell from noise (the interval includes 0)';
  const within =
    change.low >= goal ? 'within 3% of before: yes, the whole interval is above -3%'
    : change.high < goal ? 'within 3% of before: no, the whole interval is below -3%'
    : 'within 3% of before: not resolved, the interval reaches below -3%';
  const method = control.low > 1 || control.high < 1
    ? ` The A/A control is off zero: in this run the method itself read a difference of that size where there was none; trust only differences well beyond it.`
    : '';
  return `${real}; ${within}.${method}`;
}

const pct = (r: number): string => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;

if (process.env.BENCH_BASELINE) {
  await compareWithBaseline(process.env.BENCH_BASELINE);
  process.exit(0);
}

report.print('# KTOF speed benchmark');
report.print();
report.print(`Throughput in MB of compact JSON per second (node ${process.version}, ${budgetMs} ms per cell, seed ${seed}).`);
report.print();

const cols = { jsonEnc: [] as number[], ktofEnc: [] as number[], toonEnc: [] as number[], jsonDec: [] as number[], ktofDec: [] as number[], toonDec: [] as number[] };
const rows: string[][] = [];
for (const d of datasets(seed)) {
  const json = JSON.stringify(d.value);
  const bytes = Buffer.byteLength(json);
  const ktofText = encode(d.value);
  const toonText = toonEncode(d.value);
  const r = {
    jsonEnc: throughput(bytes, () => JSON.stringify(d.value)),
    ktofEnc: throughput(bytes, () => encode(d.value)),
    toonEnc: throughput(bytes, () => toonEncode(d.value)),
    jsonDec: throughput(bytes, () => JSON.parse(json)),
    ktofDec: throughput(bytes, () => decode(ktofText)),
    toonDec: throughput(bytes, () => toonDecode(toonText)),
  };
  for (const k of Object.keys(cols) as (keyof typeof cols)[]) cols[k].push(r[k]);
  rows.push([d.name, String(bytes), f1(r.jsonEnc), f1(r.ktofEnc), f1(r.toonEnc), f1(r.jsonDec), f1(r.ktofDec), f1(r.toonDec)]);
}
const g = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, geoMean(v)])) as Record<keyof typeof cols, number>;
rows.push(['**geometric mean**', '-', f1(g.jsonEnc), f1(g.ktofEnc), f1(g.toonEnc), f1(g.jsonDec), f1(g.ktofDec), f1(g.toonDec)]);
report.table(['kind', 'JSON bytes', 'JSON.stringify', 'KTOF encode', 'TOON encode', 'JSON.parse', 'KTOF decode', 'TOON decode'], rows);
report.print();
const goal = (name: string, ratio: number, target: number): void => {
  report.print(`- ${name}: ${ratio.toFixed(2)}x (goal >= ${target}x) -> ${ratio >= target ? 'met' : 'NOT met'}`);
};
goal('KTOF encode vs JSON.stringify', g.ktofEnc / g.jsonEnc, 0.35);
goal('KTOF encode vs TOON encode', g.ktofEnc / g.toonEnc, 3);
goal('KTOF decode vs JSON.parse', g.ktofDec / g.jsonDec, 0.2);
goal('KTOF decode vs TOON decode', g.ktofDec / g.toonDec, 5);

// Streaming: ~100 MB of KTOF (a table with a nested group and a sub-table) generated chunk by
// chunk, decoded with KtofStreamDecoder; events are consumed (counted), the value is not built.
async function streamingPeak(targetBytes: number): Promise<{ bytes: number; events: number; peakMb: number; baseMb: number; seconds: number }> {
  const rowsTotal = Math.ceil(targetBytes / 97);
  function* chunks(): Generator<string> {
    yield `orders[${rowsTotal}]{id,customer{name,email},items[]{sku,qty},total,note}:\n`;
    let buf = '';
    for (let i = 0; i < rowsTotal; i++) {
      buf += `${i},Customer ${i % 977},c${i % 977}@example.com,${(i * 7.31).toFixed(2)},"note, with comma ${i}"\n  SKU-${i % 1000},${1 + (i % 5)}\n  SKU-${(i * 3) % 1000},2\n`;
      if (buf.length > 64 * 1024) { yield buf; buf = ''; }
    }
    if (buf) yield buf;
  }
  gc();
  const baseMb = process.memoryUsage().heapUsed / 1e6;
  let peak = baseMb;
  let bytes = 0;
  let events = 0;
  let n = 0;
  const decoder = new KtofStreamDecoder();
  const start = performance.now();
  for (const chunk of chunks()) {
    bytes += chunk.length;
    events += decoder.push(chunk).length;
    // Retained heap (after a full GC) is what must stay flat; garbage in between is not kept.
    if (++n % 128 === 0) { gc(); peak = Math.max(peak, process.memoryUsage().heapUsed / 1e6); }
  }
  events += decoder.end().length;
  peak = Math.max(peak, process.memoryUsage().heapUsed / 1e6);
  return { bytes, events, peakMb: peak, baseMb, seconds: (performance.now() - start) / 1000 };
}

const s = await streamingPeak(100e6);
report.print();
report.print(`Streaming decoder on ${(s.bytes / 1e6).toFixed(1)} MB of generated KTOF (${s.events} events consumed, value not built): `
  + `retained heap (after GC) ${s.baseMb.toFixed(1)} MB before, peak ${s.peakMb.toFixed(1)} MB during (+${(s.peakMb - s.baseMb).toFixed(1)} MB), ${(s.bytes / 1e6 / s.seconds).toFixed(1)} MB/s.`);
report.save('speed.md');
