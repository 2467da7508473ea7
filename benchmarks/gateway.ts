/**
 * `npm run bench:gateway`: what the Kaizen Gateway saves and what it costs, side by side in one run.
 *
 * 1. Input tokens saved on realistic chats (each benchmark dataset inside a user message,
 *    compact and pretty-printed) and on a 10-turn agent loop whose tool results are those
 *    datasets, counted with o200k_base, cl100k_base and the Claude estimate (the same code the
 *    gateway runs: rewriteRequest with the model's counter).
 * 2. Latency the gateway adds over calling the fake upstream directly: POSTs of a 20 KB chat at
 *    concurrency 10, p50/p99, interleaved in rounds (direct, gateway, gateway with bypass,
 *    gateway with a chat never seen before) so a noisy neighbour hits every scenario alike.
 * 3. Streams: time to first byte, and how late each SSE chunk arrives after the fake wrote it,
 *    direct and through the gateway.
 *
 * The gateway is a `kaizen serve` child process (info logs, like production), the fake upstream
 * another; this process only generates load. Knobs: GATEWAY_REQUESTS (per scenario, default
 * 3000), GATEWAY_ROUNDS (default 3), GATEWAY_STREAMS (default 40).
 */
import { spawn } from 'node:child_process';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { createKey, KaizenProcess, REPO_ROOT, waitFor } from '@kaizen/testkit';
import { rewriteRequest } from '../packages/server/src/gateway/rewrite.js';
import { requestCounter } from '../packages/server/src/gateway/tokens.js';
import { datasets, type Json } from './data/index.js';
import { STREAM_CHUNKS, STREAM_GAP_MS } from './lib/gateway-upstream.js';
import { prng } from './lib/chat-prompts.js';
import { Report } from './lib/report.js';

const REQUESTS = Number(process.env.GATEWAY_REQUESTS ?? 3_000);
const ROUNDS = Number(process.env.GATEWAY_ROUNDS ?? 3);
const STREAMS = Number(process.env.GATEWAY_STREAMS ?? 40);
const CONCURRENCY = 10;

const report = new Report();
const data = datasets();

// ---------------------------------------------------------------------------- 1. tokens saved

type Chat = { model: string; messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }[] };

function dataChat(value: Json, indent?: number): Chat {
  return {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'You are a careful analyst. Answer from the data only, briefly.' },
      { role: 'user', content: `Here is the data:\n${JSON.stringify(value, null, indent)}\nWhat stands out?` },
    ],
  };
}

/** The ten requests of an agent loop: each turn appends a tool call and its result (a dataset). */
function agentLoop(): Chat[] {
  const messages: Chat['messages'] = [
    { role: 'system', content: 'You are an operations agent. Use the tools, then answer.' },
    { role: 'user', content: 'Prepare the weekly operations summary.' },
  ];
  const requests: Chat[] = [];
  for (let turn = 0; turn < 10; turn++) {
    const dataset = data[turn % data.length]!;
    const id = `call_${turn}`;
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: `get_${dataset.name}`, arguments: '{}' } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: JSON.stringify(dataset.value) });
    requests.push({ model: 'gpt-4o', messages: structuredClone(messages) });
    messages.push({ role: 'assistant', content: `Noted the ${dataset.name}.` });
  }
  return requests;
}

const MODELS = [
  ['o200k_base', 'gpt-4o'],
  ['cl100k_base', 'gpt-4'],
  ['Claude (estimate)', 'claude-sonnet-4'],
] as const;

async function tokensOf(chat: Chat, model: string): Promise<{ original: number; sent: number }> {
  const request = { ...chat, model };
  const counter = await requestCounter(model, model);
  const result = rewriteRequest(JSON.stringify(request), request as never, ['messages'], counter);
  return { original: result.tokensOriginal, sent: result.tokensSent };
}

const pct = (original: number, sent: number) => `${(((original - sent) / original) * 100).toFixed(1)}%`;

async function tokenSection(): Promise<void> {
  report.print('## Input tokens saved');
  report.print();
  report.print('Message text as the model reads it, before and after the gateway (primer included).');
  report.print('Chats: a system prompt and a user message holding one benchmark dataset.');
  report.print();
  const rows: (string | number)[][] = [];
  const totals = MODELS.map(() => ({ original: 0, sent: 0 }));
  for (const dataset of data) {
    for (const [label, indent] of [['compact', undefined], ['indent 2', 2]] as const) {
      const chat = dataChat(dataset.value, indent);
      const cells: string[] = [];
      for (const [m, [, model]] of MODELS.entries()) {
        const t = await tokensOf(chat, model);
        totals[m]!.original += t.original;
        totals[m]!.sent += t.sent;
        cells.push(`${t.original} → ${t.sent} (${pct(t.original, t.sent)})`);
      }
      rows.push([`${dataset.name}, ${label}`, ...cells]);
    }
  }
  rows.push(['**all chats**', ...totals.map((t) => `**${t.original} → ${t.sent} (${pct(t.original, t.sent)})**`)]);
  report.table(['chat', ...MODELS.map(([label]) => label)], rows);
  report.print();

  report.print('Agent loop: 10 requests, each resending the history plus one more tool call and its result');
  report.print('(the datasets in turn, compact JSON). "Last turn" is the 10th request; "whole loop" sums all ten.');
  report.print();
  const loop = agentLoop();
  const loopRows: (string | number)[][] = [];
  for (const [label, model] of MODELS) {
    let original = 0;
    let sent = 0;
    let last = { original: 0, sent: 0 };
    for (const request of loop) {
      last = await tokensOf(request, model);
      original += last.original;
      sent += last.sent;
    }
    loopRows.push([label, `${last.original} → ${last.sent} (${pct(last.original, last.sent)})`, `${original} → ${sent} (${pct(original, sent)})`]);
  }
  report.table(['tokenizer', 'last turn', 'whole loop'], loopRows);
  report.print();
  // The prompt-cache guarantee on this loop: each request's earlier turns go out unchanged.
  const counter = await requestCounter('gpt-4o', 'gpt-4o');
  let stable = true;
  let previous: string | undefined;
  for (const request of loop) {
    const body = rewriteRequest(JSON.stringify(request), request as never, ['messages'], counter).body;
    if (previous !== undefined && !body.startsWith(previous.slice(0, -2))) stable = false;
    previous = body;
  }
  report.print(`Prefix stability on this loop (each request's bytes up to its last message reappear unchanged in the next): **${stable ? 'yes' : 'NO'}**.`);
  report.print();
}

// ---------------------------------------------------------------------------- 2. latency

/** A realistic ~20 KB chat: a system prompt, earlier turns of prose and one tool result of records. */
function chat20k(seed: number): string {
  const random = prng(seed);
  const rows = Array.from({ length: 185 }, (_, i) => ({
    id: 10_000 + Math.floor(random() * 90_000),
    customer: `customer-${Math.floor(random() * 5000)}@example.com`,
    status: ['shipped', 'pending', 'late', 'cancelled'][Math.floor(random() * 4)],
    total: Math.round(random() * 50_000) / 100,
    items: 1 + (i % 4),
  }));
  const prose = 'The warehouse in Lyon reported delays on several carriers this week, and support asked for a summary of affected customers. ';
  return JSON.stringify({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: `You are an operations assistant. ${prose.repeat(3)}` },
      { role: 'user', content: `Batch ${seed}: ${prose.repeat(2)}` },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_orders', arguments: '{"day":"today"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify(rows) },
    ],
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(pool: Pool, path: string, headers: Record<string, string>, bodies: () => string, count: number, concurrency = CONCURRENCY): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const body = bodies();
      const started = performance.now();
      const response = await pool.request({ method: 'POST', path, headers, body });
      await response.body.arrayBuffer();
      latencies.push(performance.now() - started);
      if (response.statusCode !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failures) throw new Error(`${failures} of ${count} requests to ${path} failed`);
  return latencies;
}

/** Reads an SSE stream; returns time to first byte and how late each chunk arrived after the fake wrote it. */
async function readStream(pool: Pool, path: string, headers: Record<string, string>): Promise<{ ttfb: number; delays: number[] }> {
  const started = performance.now();
  const response = await pool.request({ method: 'POST', path, headers, body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
  let ttfb = -1;
  const delays: number[] = [];
  let buffered = '';
  for await (const chunk of response.body) {
    const arrived = performance.timeOrigin + performance.now();
    if (ttfb < 0) ttfb = performance.now() - started;
    buffered += chunk.toString();
    for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const match = /"sent_at":([\d.]+)/.exec(event);
      if (match) delays.push(arrived - Number(match[1]));
    }
  }
  return { ttfb, delays };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function startFake(): Promise<{ url: string; stop(): void }> {
  const portFile = join(tmpdir(), `kaizen-gw-bench-${process.pid}`);
  rmSync(portFile, { force: true });
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'benchmarks/lib/gateway-upstream.ts'), portFile], { cwd: REPO_ROOT, stdio: 'inherit' });
  const port = await waitFor('fake upstream', () => existsSync(portFile) && readFileSync(portFile, 'utf8'));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function latencySection(): Promise<void> {
  const fake = await startFake();
  const gateway = new KaizenProcess({
    args: ['--openai-upstream', `${fake.url}/v1`, '--rate-limit', '100000000'],
    env: { KAIZEN_OPENAI_API_KEY: 'sk-bench' },
  });
  try {
    await gateway.start();
    const key = await createKey('bench', { dataDir: gateway.dataDir });
    const direct = new Pool(fake.url, { connections: CONCURRENCY });
    const viaGateway = new Pool(gateway.url, { connections: CONCURRENCY });
    const json = { 'content-type': 'application/json' };
    const gwHeaders = { ...json, authorization: `Bearer ${key}` };
    const body = chat20k(1);
    let fresh = 1_000;

    const scenarios = [
      { name: 'direct to the fake upstream', run: (n: number, c?: number) => measure(direct, '/v1/chat/completions', { ...json, authorization: 'Bearer sk-bench' }, () => body, n, c) },
      { name: 'gateway, same chat (encodings cached)', run: (n: number, c?: number) => measure(viaGateway, '/openai/v1/chat/completions', gwHeaders, () => body, n, c) },
      { name: 'gateway, x-kaizen-bypass: 1 (proxy only)', run: (n: number, c?: number) => measure(viaGateway, '/openai/v1/chat/completions', { ...gwHeaders, 'x-kaizen-bypass': '1' }, () => body, n, c) },
      { name: 'gateway, a chat never seen before each time', run: (n: number, c?: number) => measure(viaGateway, '/openai/v1/chat/completions', gwHeaders, () => chat20k(fresh++), n, c) },
    ];
    // Warm-up: connections, tokenizers, JIT.
    for (const scenario of scenarios) await scenario.run(300);
    const pid = gateway.child?.pid;
    const latencies = scenarios.map(() => [] as number[]);
    const serial = scenarios.map(() => [] as number[]);
    const cpu = scenarios.map(() => ({ ms: 0, calls: 0 }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, scenario] of scenarios.entries()) {
        const before = cpuMsOf(pid);
        const n = Math.ceil(REQUESTS / ROUNDS);
        latencies[i]!.push(...(await scenario.run(n)));
        const after = cpuMsOf(pid);
        if (before !== undefined && after !== undefined) {
          cpu[i]!.ms += after - before;
          cpu[i]!.calls += n;
        }
        serial[i]!.push(...(await scenario.run(Math.ceil(n / 5), 1)));
      }
    }
    const sorted = latencies.map((l) => l.sort((a, b) => a - b));
    const sortedSerial = serial.map((l) => l.sort((a, b) => a - b));
    const base = { p50: percentile(sorted[0]!, 50), p99: percentile(sorted[0]!, 99) };
    const serialBase = percentile(sortedSerial[0]!, 50);
    report.print('## Latency added');
    report.print();
    report.print(`POST /v1/chat/completions with a ${(Buffer.byteLength(body) / 1024).toFixed(1)} KB chat (a ${(JSON.parse(body).messages[3].content.length / 1024).toFixed(1)} KB tool result of records), concurrency ${CONCURRENCY},`);
    report.print(`${sorted[0]!.length} requests per scenario in ${ROUNDS} interleaved rounds after a warm-up; the fake answers at once.`);
    report.print(`"serial" is the same one at a time (${sortedSerial[0]!.length} per scenario): the cost of a call without queueing. "gateway CPU" is the`);
    report.print('gateway process\'s own CPU time per call over the concurrent runs (from /proc; 10 ms resolution), the figure least');
    report.print('disturbed by other work on the machine.');
    report.print();
    report.table(
      ['scenario', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms', 'serial p50 ms', 'serial added p50 ms', 'gateway CPU ms/call'],
      scenarios.map((scenario, i) => {
        const p50 = percentile(sorted[i]!, 50);
        const p99 = percentile(sorted[i]!, 99);
        const s50 = percentile(sortedSerial[i]!, 50);
        const perCall = cpu[i]!.calls ? (cpu[i]!.ms / cpu[i]!.calls).toFixed(3) : 'n/a';
        return [scenario.name, p50.toFixed(2), p99.toFixed(2), i === 0 ? '–' : (p50 - base.p50).toFixed(2), i === 0 ? '–' : (p99 - base.p99).toFixed(2), s50.toFixed(2), i === 0 ? '–' : (s50 - serialBase).toFixed(2), i === 0 ? '–' : perCall];
      }),
    );
    report.print();
    const added = percentile(sorted[1]!, 50) - base.p50;
    const serialAdded = percentile(sortedSerial[1]!, 50) - serialBase;
    report.print(
      `Goal: added p50 under 1 ms for a 20 KB chat at concurrency ${CONCURRENCY}: **${added < 1 ? 'met' : 'missed'}** (${added.toFixed(2)} ms, same chat); ` +
        `one call at a time it adds ${serialAdded.toFixed(2)} ms.`,
    );
    report.print();

    // Streams, one at a time so each chunk's delay is the hop's, not a queue's.
    const streams = { direct: { ttfb: [] as number[], delays: [] as number[] }, gateway: { ttfb: [] as number[], delays: [] as number[] } };
    for (let i = 0; i < STREAMS; i++) {
      const d = await readStream(direct, '/v1/chat/completions', { ...json, authorization: 'Bearer sk-bench' });
      const g = await readStream(viaGateway, '/openai/v1/chat/completions', gwHeaders);
      if (i === 0) continue; // warm-up
      streams.direct.ttfb.push(d.ttfb);
      streams.direct.delays.push(...d.delays);
      streams.gateway.ttfb.push(g.ttfb);
      streams.gateway.delays.push(...g.delays);
    }
    report.print('## Streams');
    report.print();
    report.print(`${STREAMS - 1} streams each way, alternating, one at a time; the fake writes ${STREAM_CHUNKS} SSE chunks ${STREAM_GAP_MS} ms apart.`);
    report.print('Chunk delay: from the fake writing a chunk to the client reading it (same machine clock).');
    report.print();
    const row = (name: string, s: { ttfb: number[]; delays: number[] }) => {
      const t = [...s.ttfb].sort((a, b) => a - b);
      const d = [...s.delays].sort((a, b) => a - b);
      return [name, percentile(t, 50).toFixed(2), percentile(t, 99).toFixed(2), percentile(d, 50).toFixed(3), percentile(d, 99).toFixed(3), d.length];
    };
    report.table(['path', 'TTFB p50 ms', 'TTFB p99 ms', 'chunk delay p50 ms', 'chunk delay p99 ms', 'chunks'], [row('direct', streams.direct), row('gateway', streams.gateway)]);
    report.print();
    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
    const perChunk = median(streams.gateway.delays) - median(streams.direct.delays);
    report.print(`Each chunk arrives ${perChunk.toFixed(3)} ms later through the gateway (p50; one more loopback hop), against ${STREAM_GAP_MS} ms between chunks.`);
    report.print();
    await direct.close();
    await viaGateway.close();
  } finally {
    await gateway.dispose();
    fake.stop();
  }
}

report.print('# Gateway benchmark');
report.print();
report.print(`\`npm run bench:gateway\` (benchmarks/gateway.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} CPU cores (${cpus()[0]?.model.trim()}).`);
report.print('The load generator, the gateway and the fake upstream share those cores (and, during this run, other work on the machine: figures are noisy).');
report.print();
await tokenSection();
await latencySection();
report.save('gateway.md');
await sleep(0);
