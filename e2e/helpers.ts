/** Data and checks shared by the end-to-end tests; the processes themselves come from @kaizen/testkit. */

/** A chat prompt with embedded JSON, different for every `seed`, as prompts.encode receives it. */
export function samplePrompt(seed: number): { messages: { role: string; content: string }[] } {
  const rows = Array.from({ length: 8 }, (_, i) => ({ id: seed * 100 + i, name: `user-${seed}-${i}`, active: i % 2 === 0, score: (seed * 7 + i) % 97 }));
  return {
    messages: [
      { role: 'system', content: 'You are a helpful analyst.' },
      { role: 'user', content: `Summarise these accounts:\n${JSON.stringify({ accounts: rows })}` },
    ],
  };
}

/**
 * Times `GET /` on `url` over and over (5 ms apart) until `work` settles: whether a costly
 * request leaves the server's event loop free. Returns the work's result, every ping's time
 * sorted (ms) and its median, and how long the work took (ms), the baseline a ping is held
 * against: a request computed on the event loop holds each ping for its whole duration.
 */
export async function pingWhile<T>(url: string, start: () => Promise<T>): Promise<{ result: T; pings: number[]; median: number; workMs: number }> {
  let done = false;
  const started = performance.now();
  const work = start().finally(() => (done = true));
  const pings: number[] = [];
  while (!done) {
    const t = performance.now();
    await (await fetch(url + '/')).arrayBuffer();
    pings.push(performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const result = await work;
  const workMs = performance.now() - started;
  pings.sort((a, b) => a - b);
  return { result, pings, median: pings[Math.floor(pings.length / 2)] ?? Infinity, workMs };
}
