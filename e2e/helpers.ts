/** Data and checks shared by the end-to-end tests; the processes themselves come from @kaizen/testkit. */
import { request as httpRequest, type ClientRequest } from 'node:http';

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
 * How many tokens a bucket of `perMinute` can regain while a burst of requests takes `ms`: at
 * least one (a refill can land inside any burst), more when a busy machine stretches the burst
 * past the refill period. A burst may get past the bucket by that many and no more.
 */
export function refilledWithin(perMinute: number, ms: number): number {
  return Math.max(1, Math.ceil((ms * perMinute) / 60_000));
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

/**
 * POSTs `body` the way a client that waits for `100 Continue` does, and reports (`sent`) once
 * the server has read the request's head (its 100 Continue says so: the request is in flight
 * there) and all of the body has been handed to the connection. Tests that leave, or signal the
 * server, while a request runs wait for `sent` instead of a fixed delay, which a busy machine can
 * outlast before the request even connects, or end before the server took the connection.
 * `holdBody` sends none of the body: the request stays in flight until the test ends it.
 */
export function postInFlight(url: string, headers: Record<string, string>, body: string, { holdBody = false } = {}): { sent: Promise<void>; answered: Promise<{ status: number; text: string } | Error>; request: ClientRequest } {
  const request = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), expect: '100-continue', ...headers },
  });
  const answered = new Promise<{ status: number; text: string } | Error>((resolve) => {
    let responded = false;
    request.on('response', (response) => {
      responded = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', resolve);
    });
    request.on('error', resolve);
    request.on('close', () => responded || resolve(new Error('closed before an answer')));
  });
  const sent = new Promise<void>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response) => reject(new Error(`answered ${response.statusCode} before the body was sent`)));
    request.once('continue', () => (holdBody ? resolve() : request.end(body, () => resolve())));
  });
  request.flushHeaders();
  return { sent, answered, request };
}
