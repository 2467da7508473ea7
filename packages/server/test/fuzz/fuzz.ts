/**
 * Bounded fuzz runs: fast-check with a time budget instead of a run count, and a seed that is
 * printed on failure (replay with FUZZ_SEED=<seed>).
 */
import fc from 'fast-check';

/** The seed of this run: FUZZ_SEED when set, else fresh. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Runs a property for about `budgetMs` (at least a few runs), rethrowing failures with the seed. */
export async function fuzz<T>(name: string, property: fc.IAsyncProperty<T> | fc.IProperty<T>, budgetMs: number): Promise<number> {
  let runs = 0;
  const counted = property as { run: (...args: never[]) => unknown };
  const original = counted.run.bind(property);
  counted.run = ((...args: never[]) => {
    runs++;
    return original(...args);
  }) as typeof counted.run;
  try {
    await fc.assert(property as fc.IAsyncProperty<T>, {
      seed: FUZZ_SEED,
      numRuns: 10_000_000,
      interruptAfterTimeLimit: budgetMs,
      markInterruptAsFailure: false,
      endOnFailure: true,
    });
  } catch (error) {
    const message = `fuzz "${name}" failed; replay with FUZZ_SEED=${FUZZ_SEED}\n${(error as Error).message}`;
    console.error(message);
    throw new Error(message, { cause: error });
  }
  return runs;
}
