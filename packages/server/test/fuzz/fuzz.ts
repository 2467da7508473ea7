/**
 * Bounded fuzz runs: fast-check with a time budget instead of a run count (after a floor of runs
 * that does not depend on how busy the machine is), and a seed that is printed on failure
 * (replay with FUZZ_SEED=<seed>).
 */
import fc from 'fast-check';

/** The seed of this run: FUZZ_SEED when set, else fresh. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

/**
 * Runs a property `minRuns` times, then more until about `budgetMs` have passed in all;
 * rethrows failures with the seed. Returns how many runs there were. The floor is what a
 * loaded machine (where the budget buys few runs) still checks; the budget is what an idle
 * one adds.
 */
export async function fuzz<T>(name: string, property: fc.IAsyncProperty<T> | fc.IProperty<T>, budgetMs: number, minRuns: number): Promise<number> {
  let runs = 0;
  const counted = property as { run: (...args: never[]) => unknown };
  const original = counted.run.bind(property);
  counted.run = ((...args: never[]) => {
    runs++;
    return original(...args);
  }) as typeof counted.run;
  const started = performance.now();
  try {
    await fc.assert(property as fc.IAsyncProperty<T>, { seed: FUZZ_SEED, numRuns: minRuns, endOnFailure: true });
    const left = budgetMs - (performance.now() - started);
    // Another seed derived from this one: not the floor's inputs again, and still replayable.
    if (left > 0) {
      await fc.assert(property as fc.IAsyncProperty<T>, {
        seed: (FUZZ_SEED + 1) | 0,
        numRuns: 10_000_000,
        interruptAfterTimeLimit: left,
        markInterruptAsFailure: false,
        endOnFailure: true,
      });
    }
  } catch (error) {
    const message = `fuzz "${name}" failed; replay with FUZZ_SEED=${FUZZ_SEED}\n${(error as Error).message}`;
    console.error(message);
    throw new Error(message, { cause: error });
  }
  return runs;
}
