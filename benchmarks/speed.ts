/**
 * Speed benchmark: throughput in MB of compact JSON per second for KTOF encode/decode vs
 * JSON.stringify/JSON.parse and TOON, side by side on the same seeded data, plus the streaming
 * decoder's peak heap on a ~100 MB generated document. Run with --expose-gc.
 *
 * `BENCH_BASELINE=<git ref> npm run bench:speed` instead times the codec of the working tree
 * against the codec at that ref (both bundled the same way, each sample in a child process),
 * alternating over BENCH_ROUNDS rounds (default 10) so that drift on a shared CPU hits both
 * alike; it writes speed-vs-baseline.md.
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

/**
 * Old codec vs the working tree's, side by side. Each sample is a child process timing one codec
 * on every dataset (codec-timer.ts), so neither codec shares JIT state or heap with the other;
 * the two alternate over BENCH_ROUNDS rounds. Other load on a shared CPU only ever adds time, so
 * each side's fastest sample per dataset is its least disturbed one: the figure is the ratio of
 * the two fastest, and the range of the per-round ratios shows how noisy the run was.
 */
async function compareWithBaseline(ref: string): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'ktof-baseline-'));
  try {
    const files = { old: await bundleCodec(ref, dir), now: await bundleCodec(undefined, dir) };
    const [before, after] = [await import(pathToFileURL(files.old).href), await import(pathToFileURL(files.now).href)] as Codec[];
    const data = datasets(seed).map((d) => {
      if (after!.encode(d.value) !== before!.encode(d.value)) throw new Error(`${d.name}: the two codecs encode differently`);
      return { name: d.name, bytes: Buffer.byteLength(JSON.stringify(d.value)) };
    });
    const timer = fileURLToPath(new URL('./lib/codec-timer.ts', import.meta.url));
    const sample = (file: string, op: string): Record<string, number> =>
      JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', timer, file, op, String(budgetMs), String(seed)], { encoding: 'utf8' })) as Record<string, number>;
    const rows: string[][] = data.map((d) => [d.name]);
    const ratios = { encode: [] as number[], decode: [] as number[] };
    for (const op of ['encode', 'decode'] as const) {
      const ms = { old: [] as Record<string, number>[], now: [] as Record<string, number>[] };
      for (let r = 0; r < rounds; r++) {
        for (const side of r % 2 === 0 ? (['old', 'now'] as const) : (['now', 'old'] as const)) ms[side].push(sample(files[side], op));
      }
      data.forEach((d, i) => {
        const [old, now] = [ms.old.map((m) => m[d.name] as number), ms.now.map((m) => m[d.name] as number)];
        const [bestOld, bestNow] = [Math.min(...old), Math.min(...now)];
        const pairs = old.map((o, k) => o / (now[k] as number));
        ratios[op].push(bestOld / bestNow);
        rows[i]!.push(f1(d.bytes / bestOld / 1e3), f1(d.bytes / bestNow / 1e3), pct(bestOld / bestNow), `${pct(Math.min(...pairs))} .. ${pct(Math.max(...pairs))}`);
      });
    }
    report.print(`# KTOF speed: working tree vs ${ref}`);
    report.print();
    report.print(`MB of compact JSON per second, fastest of ${rounds} samples per side, each a child process timing one codec for ~${budgetMs} ms per dataset after a warm-up, the sides alternating (node ${process.version}, seed ${seed}); both codecs bundled alike and checked to encode identically. "change": now vs ${ref} from the fastest samples; "rounds": range of the per-round ratios.`);
    report.print();
    report.table(['kind', `encode ${ref}`, 'encode now', 'change', 'rounds', `decode ${ref}`, 'decode now', 'change', 'rounds'], rows);
    report.print();
    report.print(`- encode, geometric mean of the per-kind changes: ${pct(geo(ratios.encode))}`);
    report.print(`- decode, geometric mean of the per-kind changes: ${pct(geo(ratios.decode))}`);
    report.save('speed-vs-baseline.md');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
