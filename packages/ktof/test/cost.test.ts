import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberCost, numberValueCost } from '../src/encode/cost.js';
import { formatNumber } from '../src/shared/literals.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);

/** The planner prices numbers it may never write arithmetically; that must match the written text. */
describe('numberValueCost', () => {
  const priced = (n: number) => expect(numberValueCost(n)).toBe(numberCost(formatNumber(n)));

  it('matches the cost of the formatted text at digit and exponent boundaries', () => {
    const edges = [0, -0, 1, -1, 9, 10, 99, 100, 999, 1000, -999, -1000, 1e20, 1e21 - 65536, 1e21, -1e21, 1e22,
      Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, 0.1, -1.5, 1e-7];
    for (const n of edges) priced(n);
    for (let p = 1; p <= 1e22; p *= 10) for (const n of [p - 1, p, p + 1, -p]) priced(n);
  });

  it('matches the cost of the formatted text for any finite number', () => {
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true })), (n) => {
      priced(n);
    }), { seed, numRuns: 2000 });
  });

  it('matches the cost of the formatted text for decimals (priced without formatting)', () => {
    const decimal = fc.tuple(fc.oneof(fc.integer(), fc.maxSafeInteger()), fc.integer({ min: 0, max: 22 })).map(([m, d]) => m / 10 ** d);
    fc.assert(fc.property(decimal, (n) => {
      priced(n);
      priced(n + 0.5);
    }), { seed, numRuns: 5000 });
    for (const n of [1e-6, 9.99999e-7, 1.5e-6, 0.1 + 0.2, 1 / 3, 2 ** 51 - 0.5, 2 ** 50 + 0.25, 1e15 + 0.5, 12.5, -0.001]) priced(n);
  });
});
