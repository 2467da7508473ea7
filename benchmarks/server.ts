/**
 * `npm run bench:server`: throughput and latency of the API over loopback, in one run.
 * Starts the real CLI server (`kaizen serve`, SQLite in a temp dir, rate limit raised) as a
 * child process so the load generator does not share its event loop, then drives
 * GET /, POST /v1/compress and POST /v1/prompts/encode (token_models ["gpt-4o-mini"], a
 * ~2 KB chat prompt) with autocannon at concurrency 10. Writes benchmarks/results/server.md.
 */
import autocannon from 'autocannon';
import { createEngine, MemoryPayloadStore, parseRequest } from '@kaizen/core';
import { encodePrompt } from '@kaizen/prompt';
import { tokenCounter } from '@kaizen/tokens';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const CONNECTIONS = 10;
const DURATION_S = Number(process.env['BENCH_DURATION'] ?? 10);
const WARMUP_S = 2;

/** A realistic ~2 KB chat request: a system prompt and a user turn carrying JSON records. */
function chatPrompt() {
  const orders = Array.from({ length: 17 }, (_, i) => ({
    id: 1000 + i,
    customer: `customer-${i}@example.com`,
    status: i % 3 === 0 ? 'shipped' : 'pending',
    total: Math.round((19.99 + i * 7.35) * 100) / 100,
    items: 1 + (i % 4),
  }));
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are an operations assistant. Answer with the order ids that need attention and why, briefly.' },
      { role: 'user', content: `Batch __N__. Here are today's orders:\n${JSON.stringify(orders)}\nWhich orders are late?` },
    ],
  };
}

/** Mean ms per call of `fn` in this process (after a warm-up), for the breakdown table. */
async function perCall(fn: (i: number) => unknown, n = 1500): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(i);
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn(i + 1000);
  return (performance.now() - started) / n;
}

/** Where the time of one prompts.encode goes, measured in-process without HTTP. */
async function breakdown(template: string) {
  const prompt = (i: number) => JSON.parse(template.replace('__N__', String(i))) as never;
  const count = await tokenCounter('gpt-4o-mini');
  const engine = createEngine({ store: new MemoryPayloadStore(), version: 'bench' });
  const context = { tenant: 'bench', requestId: 'bench' };
  return {
    encodePrompt: await perCall((i) => encodePrompt(prompt(i), { autoDetectJson: true, countTokens: count })),
    engine: await perCall((i) => engine.promptsEncode(parseRequest('promptsEncode', { prompt: prompt(i), token_models: ['gpt-4o-mini'] }), context)),
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kaizen-bench-'));
  const key = execFileSync(process.execPath, [bin, 'keys', 'create', '--data', dataDir, '--tenant', 'bench'], { encoding: 'utf8' }).trim();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir, '--rate-limit', '100000000'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(err);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });

  const prompt = chatPrompt();
  // Every request carries a different batch number, so no two prompts are identical and
  // nothing per-prompt can be served from a cache (the system message does repeat, as in life).
  const [before, after] = JSON.stringify({ prompt, token_models: ['gpt-4o-mini'] }).split('__N__') as [string, string];
  const [dataBefore, dataAfter] = JSON.stringify({ data: prompt }).split('__N__') as [string, string];
  let n = 0;
  const vary = (head: string, tail: string) => (request: Record<string, unknown>) => ({ ...request, body: `${head}${++n}${tail}` });
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const scenarios = [
    { name: 'GET / (health)', path: '/', method: 'GET' as const, headers: {}, body: undefined as string | undefined },
    { name: 'POST /v1/compress', path: '/v1/compress', method: 'POST' as const, headers, body: dataBefore + '1' + dataAfter, setup: vary(dataBefore, dataAfter) },
    { name: 'POST /v1/prompts/encode (gpt-4o-mini)', path: '/v1/prompts/encode', method: 'POST' as const, headers, body: before + '1' + after, setup: vary(before, after) },
  ];

  const results: { name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number; bytes: number }[] = [];
  try {
    for (const s of scenarios) {
      const options = {
        url: url + s.path,
        method: s.method,
        headers: s.headers,
        connections: CONNECTIONS,
        ...(s.body ? { body: s.body } : {}),
        ...('setup' in s ? { requests: [{ method: s.method, setupRequest: s.setup as never }] } : {}),
      };
      await autocannon({ ...options, duration: WARMUP_S });
      const r = await autocannon({ ...options, duration: DURATION_S });
      results.push({ name: s.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, bytes: s.body ? Buffer.byteLength(s.body) : 0 });
      process.stderr.write(`${s.name}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}\n`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }

  const split = await breakdown(JSON.stringify(prompt));
  const health = results[0]!;
  const encode = results[2]!;
  const share = encode.rps / health.rps;
  const goals = [
    `prompts.encode sustains ${(share * 100).toFixed(0)}% of health req/s (goal >= 40%): ${share >= 0.4 ? 'met' : 'NOT met'}`,
    `prompts.encode p99 ${encode.p99} ms (goal < 4 ms): ${encode.p99 < 4 ? 'met' : 'NOT met'}`,
  ];
  const table = [
    '| Route | Body | req/s | p50 ms | p99 ms | errors | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.name} | ${r.bytes ? `${r.bytes} B` : '–'} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`),
  ];
  const md = [
    '# Server benchmark',
    '',
    `\`npm run bench:server\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}),`,
    `autocannon on loopback, ${CONNECTIONS} connections, ${DURATION_S} s per route after ${WARMUP_S} s warm-up. The server is`,
    '`kaizen serve` in a child process with default settings (SQLite, `synchronous=FULL` with group commit,',
    'info-level JSON logs) except the rate limit, raised so the benchmark is not throttled.',
    '',
    ...table,
    '',
    ...goals.map((g) => `- ${g}`),
    '',
    'Where one prompts.encode goes, measured in-process on the same prompt (no HTTP, memory store):',
    '',
    '| Step | ms per request |',
    '| --- | ---: |',
    `| \`encodePrompt\` (@kaizen/prompt: detection + KTOF, with the o200k counter) | ${split.encodePrompt.toFixed(3)} |`,
    `| \`engine.promptsEncode\` (the above + validation + token stats + store) | ${split.engine.toFixed(3)} |`,
    `| the server's whole time per request at the measured rate (1000 / req/s; one thread) | ${(1000 / encode.rps).toFixed(3)} |`,
    `| the same for GET / | ${(1000 / health.rps).toFixed(3)} |`,
    '',
    'prompts.encode does the most per request: validation, prompt-aware KTOF encoding, o200k token counts of',
    'the original and encoded prompt, and a durable insert of the payload before the 200 is sent. Each',
    'request carries a different prompt (a batch number in the user message), so token counts of the user',
    'message are never served from the string cache; the repeated system message is, as in real traffic.',
    '',
  ].join('\n');
  mkdirSync(join(root, 'benchmarks/results'), { recursive: true });
  writeFileSync(join(root, 'benchmarks/results/server.md'), md);
  process.stdout.write(md);
}

await main();
