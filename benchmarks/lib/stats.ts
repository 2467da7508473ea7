/**
 * Statistics for side-by-side timings: medians of per-round ratios and their confidence
 * intervals by bootstrap. Rounds are grouped by the process that measured them (its JIT made
 * its own choices for every round it ran), so the bootstrap resamples processes first and rounds
 * within them: a difference that only one process saw does not look certain.
 */
import { prng } from './chat-prompts.js';

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile (0..1) with linear interpolation. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

export function geoMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Ratios measured by each process: `[process][round]`. */
export type Clusters = readonly (readonly number[])[];

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * The statistic `combine` takes of one median ratio per group (e.g. per dataset), with a 95%
 * percentile-bootstrap interval. Every replicate draws processes with replacement (the same
 * draw for every group: one process measured all of them), then each chosen process's rounds
 * with replacement, per group. Seeded, so a report is reproducible from its samples.
 */
export function bootstrap(groups: readonly Clusters[], combine: (medians: number[]) => number, replicates = 2000, seed = 1): Interval {
  const estimate = combine(groups.map((g) => median(g.flat())));
  const random = prng(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const processes = groups[0]?.length ?? 0;
  const values: number[] = [];
  for (let b = 0; b < replicates; b++) {
    const drawn = Array.from({ length: processes }, () => pick(processes));
    const medians = groups.map((g) => {
      const pooled: number[] = [];
      for (const p of drawn) {
        const rounds = g[p] as readonly number[];
        for (let i = 0; i < rounds.length; i++) pooled.push(rounds[pick(rounds.length)] as number);
      }
      return median(pooled);
    });
    values.push(combine(medians));
  }
  return { estimate, low: quantile(values, 0.025), high: quantile(values, 0.975) };
}
