/**
 * The load generator of `bench:server`, run as a fresh child process for every measurement
 * (`node --import tsx load.ts SPEC.json`). In the benchmark's own process autocannon shared a
 * heap with everything imported and measured before it, and its garbage collection showed up
 * as server latency: a server that only burned 0.19 ms per request measured p99 6–7 ms there
 * and 3–4 ms from a fresh process.
 *
 * Prints `running` when the load starts and one JSON line of results when it ends.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { chatPrompt, encodeBody } from './chat-prompts.js';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Request bodies, sent in turn. */
  bodies?: string[];
  /** Instead of `bodies`: a prompt never sent before on every request, from this seed up. */
  freshFromSeed?: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  errors: number;
  non2xx: number;
  total: number;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
let sent = 0;
const nextBody = spec.freshFromSeed !== undefined ? () => encodeBody(chatPrompt(spec.freshFromSeed! + sent++)) : spec.bodies ? () => spec.bodies![sent++ % spec.bodies!.length] : undefined;

process.stdout.write('running\n');
const r = await autocannon({
  url: spec.url,
  method: spec.method,
  headers: spec.headers,
  connections: spec.connections,
  duration: spec.duration,
  ...(nextBody ? { requests: [{ method: spec.method, setupRequest: (request: autocannon.Request) => ({ ...request, body: nextBody() }) }] } : {}),
});
const result: LoadResult = {
  rps: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  p999: r.latency.p99_9,
  errors: r.errors + r.timeouts,
  non2xx: r.non2xx,
  total: r.requests.total,
};
process.stdout.write(JSON.stringify(result) + '\n');
