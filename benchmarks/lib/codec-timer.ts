/**
 * Child process of `bench:speed` with BENCH_BASELINE. One process holds three codecs: the
 * baseline bundle (`old`), a second instance of that same bundle (`copy`, the A/A control:
 * identical code, its own functions and JIT state) and the working tree's bundle (`now`).
 *
 * It first warms every codec on every dataset and operation, so each function has seen every
 * shape before anything is timed. Then, round after round, for each operation and dataset, it
 * times the three back to back with the same number of runs, in an order that rotates through
 * all six orders. Time is the process's CPU time (user + system), which a shared machine's other
 * processes do not add to while this one waits for a core; samples a few ms apart see the same
 * frequency, caches and neighbours, so their ratio cancels what drifts. No GC is forced between
 * samples: V8 drops the code of functions that several full GCs find idle, so one forced per
 * sample made every codec run cold (15x slower); the garbage a codec makes is part of its cost.
 *
 * argv: old bundle, now bundle, sample ms, warm-up ms, rounds, seed, rotation offset.
 * Prints one JSON `TimerOutput`.
 */
import { pathToFileURL } from 'node:url';
import { datasets } from '../data/index.js';
import type { Codec } from './baseline.js';

const SIDES = ['old', 'copy', 'now'] as const;
export type Side = (typeof SIDES)[number];
const OPS = ['encode', 'decode'] as const;
export type Op = (typeof OPS)[number];

export interface TimerOutput {
  /** CPU ms per run: `[op][dataset][side][round]`. */
  cpu: Record<Op, Record<string, Record<Side, number[]>>>;
  /** Wall time over CPU time of every sample: above 1 when the process waited for a core. */
  waits: number[];
  /** CPU seconds the whole process used, warm-up included. */
  cpuSeconds: number;
}

const ORDERS: readonly (readonly Side[])[] = [
  ['old', 'copy', 'now'], ['now', 'old', 'copy'], ['copy', 'now', 'old'],
  ['old', 'now', 'copy'], ['copy', 'old', 'now'], ['now', 'copy', 'old'],
];

/** Where each run's result goes, so no run can be optimised away. */
export let sink: unknown;

async function main(): Promise<void> {
  const [oldFile, nowFile, sampleMs, warmMs, rounds, seed, offset] = process.argv.slice(2) as [string, string, string, string, string, string, string];
  const oldUrl = pathToFileURL(oldFile).href;
  const codecs: Record<Side, Codec> = {
    old: (await import(oldUrl)) as Codec,
    // Another URL is another module instance: the same source, loaded and compiled again.
    copy: (await import(`${oldUrl}?copy`)) as Codec,
    now: (await import(pathToFileURL(nowFile).href)) as Codec,
  };
  const data = datasets(Number(seed)).map((d) => ({ name: d.name, value: d.value, text: codecs.old.encode(d.value) }));
  const job = (side: Side, op: Op, d: (typeof data)[number]): (() => unknown) => {
    const codec = codecs[side];
    return op === 'encode' ? () => codec.encode(d.value) : () => codec.decode(d.text);
  };

  // Warm-up, and the run count that makes one sample of the baseline last about sampleMs.
  const runs: Record<string, number> = {};
  for (const op of OPS) {
    for (const d of data) {
      for (const side of SIDES) {
        const run = job(side, op, d);
        let n = 0;
        const start = performance.now();
        while (performance.now() - start < Number(warmMs) || n < 5) { sink = run(); n++; }
        if (side === 'old') runs[`${op}/${d.name}`] = Math.max(1, Math.round((Number(sampleMs) * n) / (performance.now() - start)));
      }
    }
  }

  const out: TimerOutput = { cpu: { encode: {}, decode: {} }, waits: [], cpuSeconds: 0 };
  for (const op of OPS) for (const d of data) out.cpu[op][d.name] = { old: [], copy: [], now: [] };
  for (let r = 0; r < Number(rounds); r++) {
    const order = ORDERS[(r + Number(offset)) % ORDERS.length] as readonly Side[];
    for (const op of OPS) {
      for (const d of data) {
        const n = runs[`${op}/${d.name}`] as number;
        for (const side of order) {
          const run = job(side, op, d);
          const cpu0 = process.cpuUsage();
          const wall0 = performance.now();
          for (let i = 0; i < n; i++) sink = run();
          const wall = performance.now() - wall0;
          const used = process.cpuUsage(cpu0);
          const cpuMs = (used.user + used.system) / 1000;
          out.cpu[op][d.name]![side].push(cpuMs / n);
          out.waits.push(wall / cpuMs);
        }
      }
    }
  }
  const total = process.cpuUsage();
  out.cpuSeconds = (total.user + total.system) / 1e6;
  process.stdout.write(JSON.stringify(out));
}

await main();
