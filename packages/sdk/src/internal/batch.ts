/** Bounded-concurrency map whose results are settled per item and kept in input order. */

/** One item's outcome: its value, or the error that item alone failed with. */
export type BatchResult<T> = { status: 'fulfilled'; index: number; value: T } | { status: 'rejected'; index: number; reason: unknown };

/**
 * Runs `fn` over `items` with at most `concurrency` in flight. A failing item does not stop
 * the others (like Promise.allSettled), so one bad prompt cannot sink a batch of thousands.
 */
export async function mapSettled<I, O>(items: Iterable<I>, concurrency: number, fn: (item: I, index: number) => Promise<O>): Promise<BatchResult<O>[]> {
  const list = Array.from(items);
  const results = new Array<BatchResult<O>>(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', index, value: await fn(list[index]!, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', index, reason };
      }
    }
  };
  const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, list.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
