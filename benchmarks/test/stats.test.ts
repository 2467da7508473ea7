import { describe, expect, it } from 'vitest';
import { prng } from '../lib/chat-prompts.js';
import { bootstrap, geoMean, median, quantile, type Clusters } from '../lib/stats.js';

/** `processes` x `rounds` ratios around `center`, each off by up to +-`spread` (seeded). */
function clusters(center: number, spread: number, seed: number, processes = 4, rounds = 12): Clusters {
  const random = prng(seed);
  return Array.from({ length: processes }, () => Array.from({ length: rounds }, () => center * (1 + spread * (2 * random() - 1))));
}

describe('bench:speed statistics', () => {
  it('medians, quantiles and geometric means', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(geoMean([1, 4])).toBeCloseTo(2, 12);
  });

  it('an interval collapses when every round agrees', () => {
    const same = bootstrap([[[1.02, 1.02], [1.02, 1.02]]], ([m]) => m!);
    expect(same).toEqual({ estimate: 1.02, low: 1.02, high: 1.02 });
  });

  it('tells a real 5% change from noise, and finds none where there is none', () => {
    // Rounds off by up to +-10%: twice the change, yet 4 x 12 rounds resolve it.
    const changed = bootstrap([clusters(1.05, 0.1, 1), clusters(1.05, 0.1, 2)], geoMean);
    expect(changed.low).toBeGreaterThan(1);
    expect(changed.low).toBeLessThan(1.05);
    expect(changed.high).toBeGreaterThan(1.05);
    const control = bootstrap([clusters(1, 0.1, 3), clusters(1, 0.1, 4)], geoMean);
    expect(control.low).toBeLessThan(1);
    expect(control.high).toBeGreaterThan(1);
  });

  it('widens the interval when one process disagrees with the others (its JIT chose differently)', () => {
    const agreeing = clusters(1, 0.02, 5);
    const oneOff = [...agreeing.slice(0, 3), agreeing[3]!.map((r) => r * 1.15)];
    const narrow = bootstrap([agreeing], ([m]) => m!);
    const wide = bootstrap([oneOff], ([m]) => m!);
    expect(wide.high - wide.low).toBeGreaterThan(2 * (narrow.high - narrow.low));
  });
});
