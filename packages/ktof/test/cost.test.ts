import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberCost, numberValueCost } from '../src/encode/cost.js';
import { formatNumber } from '../src/shared/literals.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
console.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`);

/** The writer prices numbers it may never write arithmetically; that must match the written text. */
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
});
