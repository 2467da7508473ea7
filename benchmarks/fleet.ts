/**
 * `npm run bench:fleet`: a mixed workload (prompts.encode storing a payload, prompts.decode by
 * payload id, optimize with token stats) for a fixed number of requests against one replica
 * and against two replicas on one redis-server (behind a loopback round-robin TCP proxy, and
 * behind nginx with docs/nginx/kaizen.conf when nginx is installed). Reports req/s,
 * p50/p99/p99.9, errors (goal: zero non-429) and how many stored payloads decode afterwards to
 * exactly the prompt that was sent (goal: all). Writes benchmarks/results/fleet.md.
 *
 * Knobs: FLEET_REQUESTS (per scenario, default 10000), FLEET_CONCURRENCY (default 16).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Pool } from 'undici';
import { createKey, freePort, KAIZEN_BIN, KaizenProcess, RedisProcess, REPO_ROOT } from '@kaizen/testkit';
import { samplePrompt } from '../e2e/helpers.js';
import { NGINX, startNginx } from '../e2e/fleet/nginx.js';

const REQUESTS = Number(process.env.FLEET_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.FLEET_CONCURRENCY ?? 16);

type Op = 'encode' | 'decode' | 'optimize';

interface ScenarioResult {
  name: string;
  requests: number;
  seconds: number;
  latencies: Record<Op | 'all', number[]>;
  statuses: Map<number, number>;
  stored: number;
  verified: number;
}

/** Encode, decode, encode, decode, optimize: 40% / 40% / 20%. */
function opFor(index: number): Op {
  const slot = index % 5;
  return slot === 4 ? 'optimize' : slot % 2 === 0 ? 'encode' : 'decode';
}

const OPTIMIZE_BODY = JSON.stringify({
  data: { orders: Array.from({ length: 20 }, (_, i) => ({ id: i, sku: `SKU-${1000 + i}`, qty: (i % 4) + 1, price: 9.99 + i })) },
  token_models: ['gpt-4o-mini'],
});

async function runScenario(name: string, baseUrl: string, verifyUrl: string, key: string): Promise<ScenarioResult> {
  const pool = new Pool(baseUrl, { connections: CONCURRENCY, pipelining: 1 });
  const stored: { id: string; prompt: unknown }[] = [];
  const latencies: ScenarioResult['latencies'] = { encode: [], decode: [], optimize: [], all: [] };
  const statuses = new Map<number, number>();
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  let next = 0;

  async function one(index: number): Promise<void> {
    let op = opFor(index);
    if (op === 'decode' && stored.length === 0) op = 'encode';
    let path: string;
    let body: string;
    let prompt: unknown;
    if (op === 'encode') {
      prompt = samplePrompt(index);
      path = '/v1/prompts/encode';
      body = JSON.stringify({ prompt, metadata: { bench: name, index } });
    } else if (op === 'decode') {
      path = '/v1/prompts/decode';
      body = JSON.stringify({ ktof: stored[(index * 7919) % stored.length]!.id });
    } else {
      path = '/v1/optimize';
      body = OPTIMIZE_BODY;
    }
    const started = process.hrtime.bigint();
    const response = await pool.request({ method: 'POST', path, headers, body });
    const text = await response.body.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    latencies[op].push(ms);
    latencies.all.push(ms);
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    if (op === 'encode' && response.statusCode === 200) stored.push({ id: (JSON.parse(text) as { meta: { payload_id: string } }).meta.payload_id, prompt });
  }

  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const index = next++;
        try {
          await one(index);
        } catch {
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();

  // Every payload that got a 200 must decode (through another path when there are two
  // replicas) to exactly the prompt that was sent.
  const verifier = new Pool(verifyUrl, { connections: 8 });
  let verified = 0;
  let cursor = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (cursor < stored.length) {
        const item = stored[cursor++]!;
        const response = await verifier.request({ method: 'POST', path: '/v1/prompts/decode', headers, body: JSON.stringify({ ktof: item.id }) });
        const text = await response.body.text();
        if (response.statusCode === 200 && isDeepStrictEqual((JSON.parse(text) as { result: unknown }).result, item.prompt)) verified++;
      }
    }),
  );
  await verifier.close();
  return { name, requests: REQUESTS, seconds, latencies, statuses, stored: stored.length, verified };
}

/** A tiny L4 load balancer: each accepted connection goes to the next backend in turn. */
async function roundRobinProxy(ports: number[]): Promise<{ url: string; close(): Promise<void> }> {
  let turn = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(ports[turn++ % ports.length]!, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.once('close', () => sockets.delete(socket));
      socket.once('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function row(result: ScenarioResult): string {
  const all = [...result.latencies.all].sort((a, b) => a - b);
  const ok = result.statuses.get(200) ?? 0;
  const limited = result.statuses.get(429) ?? 0;
  const errors = result.requests - ok - limited;
  const f = (n: number) => n.toFixed(2);
  return `| ${result.name} | ${result.requests} | ${Math.round(result.requests / result.seconds)} | ${f(percentile(all, 50))} | ${f(percentile(all, 99))} | ${f(percentile(all, 99.9))} | ${errors} | ${limited} | ${result.verified}/${result.stored} |`;
}

function perOpRow(result: ScenarioResult): string {
  const cells = (['encode', 'decode', 'optimize'] as const).map((op) => {
    const sorted = [...result.latencies[op]].sort((a, b) => a - b);
    return `${percentile(sorted, 50).toFixed(2)} / ${percentile(sorted, 99).toFixed(2)}`;
  });
  return `| ${result.name} | ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  if (!existsSync(KAIZEN_BIN)) throw new Error('build first: npm run build');
  const redis = await new RedisProcess({ aof: true, appendfsync: 'everysec' }).start();
  const replicaArgs = { redisUrl: redis.url, args: ['--rate-limit', '1000000'], env: { KAIZEN_LOG_LEVEL: 'warn' } };
  const a = await new KaizenProcess(replicaArgs).start();
  const b = await new KaizenProcess(replicaArgs).start();
  const key = await createKey('bench', { redisUrl: redis.url });
  const results: ScenarioResult[] = [];
  const cleanups: (() => Promise<void>)[] = [() => a.dispose(), () => b.dispose(), () => redis.dispose()];
  try {
    // Warm-up: tokenizers load lazily on first use.
    await runScenarioQuietly(a.url, key);
    await runScenarioQuietly(b.url, key);

    console.log(`fleet bench: ${REQUESTS} requests per scenario, concurrency ${CONCURRENCY}`);
    results.push(await runScenario('1 replica', a.url, b.url, key));
    console.log(row(results.at(-1)!));

    const proxy = await roundRobinProxy([a.port, b.port]);
    cleanups.unshift(() => proxy.close());
    results.push(await runScenario('2 replicas, round-robin TCP proxy', proxy.url, a.url, key));
    console.log(row(results.at(-1)!));

    if (NGINX) {
      const nginx = await startNginx([a.port, b.port]);
      cleanups.unshift(() => nginx.close());
      results.push(await runScenario('2 replicas, nginx (docs/nginx/kaizen.conf)', nginx.url, b.url, key));
      console.log(row(results.at(-1)!));
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
  writeReport(results);
}

async function runScenarioQuietly(url: string, key: string): Promise<void> {
  const pool = new Pool(url, { connections: 2 });
  for (const [path, body] of [
    ['/v1/optimize', OPTIMIZE_BODY],
    ['/v1/prompts/encode', JSON.stringify({ prompt: samplePrompt(0) })],
  ] as const) {
    const response = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`warm-up ${path} answered ${response.statusCode}: ${text}`);
  }
  await pool.close();
}

function writeReport(results: ScenarioResult[]): void {
  const statuses = results
    .map((r) => `${r.name}: ${[...r.statuses].sort(([x], [y]) => x - y).map(([status, n]) => `${status === 0 ? 'network error' : status} x${n}`).join(', ')}`)
    .join('\n- ');
  const allVerified = results.every((r) => r.verified === r.stored);
  const zeroErrors = results.every((r) => r.requests === (r.statuses.get(200) ?? 0) + (r.statuses.get(429) ?? 0));
  const report = `# Fleet benchmark

\`npm run bench:fleet\` (benchmarks/fleet.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}).
Every process shares those cores: the load generator, redis-server, the replicas and the proxy.

Workload: ${REQUESTS} requests per scenario at concurrency ${CONCURRENCY} over keep-alive connections;
40% \`POST /v1/prompts/encode\` (a chat prompt with embedded JSON, stored in Redis), 40%
\`POST /v1/prompts/decode\` by payload id, 20% \`POST /v1/optimize\` with \`token_models: ["gpt-4o-mini"]\`.
Replicas: \`kaizen serve --redis\` on one redis-server (AOF on, appendfsync everysec), rate limit
raised out of the way. Afterwards every payload that got a 200 is decoded by id through a
different path than it was stored by (the other replica) and compared with the prompt sent.

| scenario | requests | req/s | p50 ms | p99 ms | p99.9 ms | errors (non-429) | 429 | payloads verified |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${results.map(row).join('\n')}

Latency by operation, p50 / p99 ms:

| scenario | encode | decode by id | optimize |
| --- | --- | --- | --- |
${results.map(perOpRow).join('\n')}

Goals: zero non-429 errors: **${zeroErrors ? 'met' : 'missed'}**; every stored payload verified: **${allVerified ? 'met' : 'missed'}**.

Statuses:
- ${statuses}
${NGINX ? '' : '\nnginx is not installed, so the nginx scenario was skipped.\n'}`;
  mkdirSync(join(REPO_ROOT, 'benchmarks/results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'benchmarks/results/fleet.md'), report);
  console.log(`\nwrote benchmarks/results/fleet.md`);
}

await main();
