/**
 * Child process of `bench:speed` with BENCH_BASELINE: times one codec bundle (argv[2]) on every
 * seeded dataset for one operation (argv[3]: encode | decode), about argv[4] ms each after a
 * warm-up, and prints {dataset: milliseconds per run} as JSON. One codec per process, so the
 * other codec's code never shares its JIT state or heap.
 */
import { pathToFileURL } from 'node:url';
import { datasets } from '../data/index.js';
import type { Codec } from './baseline.js';

const [file, op, ms, seed] = [process.argv[2] as string, process.argv[3] as 'encode' | 'decode', Number(process.argv[4]), Number(process.argv[5] ?? 42)];
const codec = (await import(pathToFileURL(file).href)) as Codec;
const out: Record<string, number> = {};
for (const d of datasets(seed)) {
  const text = codec.encode(d.value);
  const run = op === 'encode' ? () => codec.encode(d.value) : () => codec.decode(text);
  let runs = 0;
  const warm = performance.now();
  while (performance.now() - warm < ms / 2) { run(); runs++; }
  const n = Math.max(5, runs * 2);
  const start = performance.now();
  for (let i = 0; i < n; i++) run();
  out[d.name] = (performance.now() - start) / n;
}
process.stdout.write(JSON.stringify(out));
