/**
 * `npm run bench:cli`: what the `kaizen` command costs as a process: wall time, CPU time and
 * peak RSS. Each sample is a fresh `node packages/cli/dist/bin.js ...` under `/usr/bin/time`
 * (peak RSS is the kernel's maxrss), timed from spawn to exit here: start-up (`encode` of `{}`
 * on stdin), then `encode` and `decode` of two generated files (~1 MB and ~25 MB of compact
 * JSON, seeded, so every run reads the same bytes), written to files.
 *
 * `BENCH_BASELINE_CLI=<another build's packages/cli/dist/bin.js>` runs that build side by side:
 * the sides alternate within each round (which goes first flips every round) so that drift on a
 * shared CPU hits both alike, and both sides' outputs must be byte-identical (the run stops
 * otherwise). Figures are medians over BENCH_ROUNDS rounds (default 5). Writes
 * benchmarks/results/cli.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Report } from './lib/report.js';

const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const BASELINE = process.env['BENCH_BASELINE_CLI'] ? resolve(process.env['BENCH_BASELINE_CLI']) : undefined;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SEED = Number(process.env['BENCH_SEED'] ?? 42);
const TIME = '/usr/bin/time';

interface Side {
  name: string;
  bin: string;
}

interface Sample {
  ms: number;
  /** CPU seconds (user + system): less disturbed than wall time by other load on a shared machine. */
  cpuS: number;
  rssMb: number;
  output: string;
}

/** A small seeded PRNG (mulberry32): the same seed, the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ['Paris', 'Berlin', 'Tokyo', 'São Paulo', 'Zürich', 'Kraków', 'Lagos', 'Montréal'];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'kappa', 'sigma', 'naïve', 'café', '東京'];

/**
 * Compact JSON of about `bytes` bytes: `{"users": [...]}` of uniform records (the table case
 * KTOF is made for) with a nested object, a list, an optional field and non-ASCII text.
 */
function generate(bytes: number, seed: number): string {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const rows: string[] = [];
  let size = 12;
  for (let id = 0; size < bytes; id++) {
    const row = {
      id,
      name: `${pick(WORDS)} ${pick(WORDS)}`,
      email: `user${id}@example.com`,
      age: 18 + Math.floor(random() * 60),
      active: random() < 0.7,
      score: Math.round(random() * 10_000) / 100,
      address: { city: pick(CITIES), zip: String(10_000 + Math.floor(random() * 89_999)) },
      tags: Array.from({ length: Math.floor(random() * 4) }, () => pick(WORDS)),
      ...(random() < 0.3 ? { note: `${pick(WORDS)}, "${pick(WORDS)}" and ${pick(WORDS)}` } : {}),
      manager: random() < 0.1 ? null : Math.floor(random() * 1000),
    };
    const text = JSON.stringify(row);
    rows.push(text);
    size += Buffer.byteLength(text) + 1;
  }
  return `{"users":[${rows.join(',')}]}`;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `bin args` once (stdin from `input`, stdout to a file) and measures it. */
function sample(side: Side, args: string[], dir: string, label: string, input?: string): Sample {
  const output = join(dir, `${label}.${side.name}.out`);
  const timing = join(dir, 'time.txt');
  const started = performance.now();
  const run = spawnSync(TIME, ['-f', '%M %U %S', '-o', timing, process.execPath, side.bin, ...args, '-o', output], {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, KAIZEN_NO_PROGRESS: '1' },
  });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${side.name} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const [kb, user, system] = readFileSync(timing, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
  return { ms, cpuS: user + system, rssMb: kb / 1024, output };
}

function digest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const sides: Side[] = [{ name: 'now', bin: BIN }];
if (BASELINE) sides.unshift({ name: 'baseline', bin: BASELINE });
const dir = mkdtempSync(join(tmpdir(), 'kaizen-bench-cli-'));
const report = new Report();
try {
  const small = join(dir, 'small.json');
  const large = join(dir, 'large.json');
  writeFileSync(small, generate(1_000_000, SEED));
  writeFileSync(large, generate(25_000_000, SEED + 1));
  // The KTOF to decode is what the working tree's CLI writes (both sides encode identically, checked below).
  for (const file of [small, large]) execFileSync(process.execPath, [BIN, 'encode', file, '-o', file.replace(/\.json$/, '.ktof')]);
  const mb = (file: string) => (statSync(file).size / 1e6).toFixed(1);

  const cases: { label: string; title: string; args: string[]; input?: string }[] = [
    { label: 'startup', title: 'start-up: `echo {} \\| kaizen encode`', args: ['encode'], input: '{}' },
    { label: 'encode-small', title: `encode ${mb(small)} MB JSON`, args: ['encode', small] },
    { label: 'decode-small', title: `decode its KTOF (${mb(small.replace(/json$/, 'ktof'))} MB)`, args: ['decode', small.replace(/json$/, 'ktof')] },
    { label: 'encode-large', title: `encode ${mb(large)} MB JSON`, args: ['encode', large] },
    { label: 'decode-large', title: `decode its KTOF (${mb(large.replace(/json$/, 'ktof'))} MB)`, args: ['decode', large.replace(/json$/, 'ktof')] },
  ];

  const results = new Map<string, Map<string, Sample[]>>();
  for (const c of cases) {
    const perSide = new Map<string, Sample[]>(sides.map((s) => [s.name, []]));
    results.set(c.label, perSide);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) perSide.get(side.name)!.push(sample(side, c.args, dir, c.label, c.input));
      if (BASELINE) {
        const [a, b] = sides.map((s) => digest(perSide.get(s.name)!.at(-1)!.output));
        if (a !== b) throw new Error(`${c.label}: the two builds wrote different output`);
      }
      process.stderr.write(`${c.label} round ${round + 1}/${ROUNDS}\n`);
    }
  }

  const cpu = cpus();
  report.print('# CLI: wall time and peak memory per command');
  report.print();
  report.print(
    `\`npm run bench:cli\` (benchmarks/cli.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu.length} CPU cores (${cpu[0]?.model.trim() ?? 'unknown'}), load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
  );
  report.print();
  report.print(
    `Each sample is a fresh process (\`node bin.js ...\`, output to a file with \`-o\`) under \`/usr/bin/time\`: wall time from spawn to exit, CPU time (user + system, which other load on a shared machine disturbs less than wall time), peak RSS (maxrss). Medians of ${ROUNDS} rounds${BASELINE ? `; the sides alternate within each round and which goes first flips every round, and every round checks that both wrote byte-identical output. Baseline: \`${BASELINE}\`` : ''}. Inputs: seeded generated records (\`{"users": [...]}\`, a nested object, a list, an optional field, non-ASCII text); the KTOF decoded is what the working tree's build writes.`,
  );
  report.print();
  const header = ['command'];
  for (const s of sides) header.push(`${s.name} wall s`, `${s.name} CPU s`, `${s.name} MB`);
  if (BASELINE) header.push('wall change', 'CPU change', 'memory change');
  const rows = cases.map((c) => {
    const perSide = results.get(c.label)!;
    const row: string[] = [c.title];
    const medians = sides.map((s) => {
      const samples = perSide.get(s.name)!;
      return { ms: median(samples.map((x) => x.ms)), cpu: median(samples.map((x) => x.cpuS)), rss: median(samples.map((x) => x.rssMb)) };
    });
    for (const m of medians) row.push((m.ms / 1000).toFixed(2), m.cpu.toFixed(2), m.rss.toFixed(0));
    if (BASELINE) {
      const [base, now] = medians as [(typeof medians)[number], (typeof medians)[number]];
      const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
      row.push(pct(now.ms / base.ms - 1), pct(now.cpu / base.cpu - 1), pct(now.rss / base.rss - 1));
    }
    return row;
  });
  report.table(header, rows);
  if (BASELINE) {
    report.print();
    report.print('"change": now against the baseline (negative: faster or smaller). Both builds wrote byte-identical output in every round.');
  }
  report.save('cli.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
