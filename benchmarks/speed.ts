/**
 * Speed benchmark: throughput in MB of compact JSON per second for KTOF encode/decode vs
 * JSON.stringify/JSON.parse and TOON, side by side on the same seeded data, plus the streaming
 * decoder's peak heap on a ~100 MB generated document. Run with --expose-gc.
 *
 * `BENCH_BASELINE=<git ref> npm run bench:speed` instead times the codec of the working tree
 * against the codec at that ref (both bundled the same way, in this one process), interleaved
 * over BENCH_ROUNDS rounds (default 5) so that drift on a shared CPU hits both alike; it writes
 * speed-vs-baseline.md.
 */
import { decode as toonDecode, encode as toonEncode } from '@toon-format/toon';
import { decode, encode, KtofStreamDecoder } from '@kaizen/ktof';
import { datasets } from './data/index.js';
import { codecAt, type Codec } from './lib/baseline.js';
import { Report } from './lib/report.js';

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

const geo = (xs: number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const f1 = (x: number): string => x.toFixed(1);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/** CPU seconds (this process, user + system) spent running `fn` `runs` times: other processes' load does not count. */
function cpuSeconds(runs: number, fn: () => unknown): number {
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * Old codec vs the working tree's, side by side. Per dataset and operation, both are warmed up,
 * then timed in BENCH_ROUNDS alternating samples of each (CPU time, about BENCH_MS each). Other
 * load on a shared CPU only ever adds time (preemption, cache misses, steal), so each side's
 * fastest sample is its least disturbed one: the figure is the ratio of the two fastest samples,
 * and the range of the per-pair ratios shows how noisy the run was.
 */
async function compareWithBaseline(ref: string): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 25);
  const [before, after] = [await codecAt(ref), await codecAt(undefined)];
  const rows: string[][] = [];
  const ratios = { enc: [] as number[], dec: [] as number[] };
  for (const d of datasets(seed)) {
    const bytes = Buffer.byteLength(JSON.stringify(d.value));
    const text = before.encode(d.value);
    if (after.encode(d.value) !== text) throw new Error(`${d.name}: the two codecs encode differently`);
    const row = [d.name];
    for (const op of ['enc', 'dec'] as const) {
      const run = (codec: Codec) => (op === 'enc' ? () => codec.encode(d.value) : () => codec.decode(text));
      const [old, now] = [run(before), run(after)];
      // Runs per sample: about budgetMs of CPU, from a warm-up of each side.
      cpuSeconds(50, old);
      const perRun = Math.max(cpuSeconds(50, now), cpuSeconds(50, old)) / 50;
      const runs = Math.max(5, Math.round(budgetMs / 1000 / perRun));
      const pairs: number[] = [];
      const speeds = { old: [] as number[], now: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        gc();
        const first = r % 2 === 0 ? old : now;
        const a = cpuSeconds(runs, first);
        const b = cpuSeconds(runs, first === old ? now : old);
        const [tOld, tNow] = first === old ? [a, b] : [b, a];
        pairs.push(tOld / tNow);
        speeds.old.push((bytes * runs) / tOld / 1e6);
        speeds.now.push((bytes * runs) / tNow / 1e6);
      }
      const [bestOld, bestNow] = [Math.max(...speeds.old), Math.max(...speeds.now)];
      ratios[op].push(bestNow / bestOld);
      row.push(f1(bestOld), f1(bestNow), pct(bestNow / bestOld), `${pct(Math.min(...pairs))} .. ${pct(Math.max(...pairs))}`);
    }
    rows.push(row);
  }
  report.print(`# KTOF speed: working tree vs ${ref}`);
  report.print();
  report.print(`MB of compact JSON per CPU second, fastest of ${rounds} alternating samples of ~${budgetMs} ms per side (node ${process.version}, seed ${seed}); both codecs bundled alike and checked to encode identically. "change": now vs ${ref} from the fastest samples; "pairs": range of the per-pair ratios.`);
  report.print();
  report.table(['kind', `encode ${ref}`, 'encode now', 'change', 'pairs', `decode ${ref}`, 'decode now', 'change', 'pairs'], rows);
  report.print();
  report.print(`- encode, geometric mean of the per-kind changes: ${pct(geo(ratios.enc))}`);
  report.print(`- decode, geometric mean of the per-kind changes: ${pct(geo(ratios.dec))}`);
  report.save('speed-vs-baseline.md');
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
const g = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, geo(v)])) as Record<keyof typeof cols, number>;
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
