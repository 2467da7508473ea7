/**
 * Child process of `bench:prompt-encode`: times one engine bundle (argv[2], see engine-bundle.ts)
 * on each request set for about argv[3] ms after a warm-up (twice through the set, and at least half
 * that time), in CPU time of this process (all its threads: garbage collection included; time the
 * CPU spent on other processes excluded, so a shared machine disturbs it less than wall time), and prints
 * {set: milliseconds per request} as JSON. One engine per process, so the other side's code
 * never shares its JIT state, heap or caches. Every request body is parsed from its JSON text, as
 * the server does, so no request reuses another's objects; the store keeps nothing.
 */
import { pathToFileURL } from 'node:url';
import type { EngineModule } from './engine-bundle.js';
import { requestSets } from './prompt-encode-sets.js';

const [file, ms] = [process.argv[2] as string, Number(process.argv[3])];
const core = (await import(pathToFileURL(file).href)) as EngineModule;
/** A store that keeps nothing: what is timed is the computation, not a store (the server's is SQLite). */
const store: import('@kaizen/core').PayloadStore = {
  put: async () => {},
  get: async () => ({ status: 'missing' }),
  recordReplay: async () => {},
  close: async () => {},
};
const engine = core.createEngine({ store, version: 'bench' });
const context = { tenant: 'bench', requestId: 'bench' };

/** Calls before timing starts: twice bench:server's 128 prompts. */
const WARM_CALLS = 256;

const out: Record<string, number> = {};
for (const set of requestSets()) {
  const call = async (i: number) => {
    const { op, body } = set.request(i);
    const handler = engine[op] as (request: unknown, ctx: typeof context) => Promise<unknown>;
    await handler(core.parseRequest(op, JSON.parse(body)), context);
  };
  let i = 0;
  const warm = performance.now();
  // Twice through a cycled set at least (its first pass fills the caches), then for half the budget.
  while (i < WARM_CALLS || performance.now() - warm < ms / 2) await call(i++);
  let runs = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms) {
    await call(i++);
    runs++;
  }
  const used = process.cpuUsage(cpu);
  out[set.name] = (used.user + used.system) / 1000 / runs;
}
process.stdout.write(JSON.stringify(out));
