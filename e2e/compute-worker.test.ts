/**
 * The compute worker seen from outside: a `kaizen serve` process of its own (default threshold,
 * 64 KiB), so the event loop measured is not this test process's. In-process checks of the
 * worker are in packages/server/test/compute.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, kaizen, KaizenProcess, removeTempDirs, serve, tempDir, waitFor } from '@kaizen/testkit';
import { FakeUpstream } from '../packages/server/test/gateway/fake-upstream.js';
import { pingWhile, postInFlight } from './helpers.js';

afterAll(() => removeTempDirs());

describe('large requests on the compute worker', () => {
  it('a large request leaves the event loop free: health answers while it is counted', async () => {
    // A server process of its own (default threshold, 64 KiB), so this process's loop is not the one measured.
    const dataDir = tempDir();
    const key = (await kaizen(['keys', 'create', '--data', dataDir, '--tenant', 'acme'])).stdout.trim();
    const server = await serve(['--data', dataDir]);
    try {
      // ~450 K characters of base64: exact counting for three tokenizers takes over a second.
      const blob = randomBytes(330_000).toString('base64');
      const order: string[] = [];
      const large = postInFlight(`${server.url}/v1/optimize`, { 'x-api-key': key }, JSON.stringify({ data: { blob }, token_models: ['gpt-4o', 'gpt-4', 'claude-3-5-haiku'] }));
      const answered = large.answered.then((answer) => (order.push('large'), answer));
      // Health is asked once the whole body is sent (not after a fixed delay, which a busy machine
      // can outlast before the upload ends): the counting, over a second, comes right after it.
      await large.sent;
      const health = await fetch(`${server.url}/`);
      order.push('health');
      const result = await answered;
      expect(health.status).toBe(200);
      if (result instanceof Error) throw result;
      expect(result.status).toBe(200);
      expect(JSON.parse(result.text).token_stats['gpt-4o'].estimated).toBe(false);
      expect(order).toEqual(['health', 'large']);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

/** A chat whose tool results are `turns` JSON tables never seen before (`seed` makes them new): about 30 KB a turn. */
function agentChat(seed: string, turns: number): string {
  const messages: unknown[] = [{ role: 'user', content: 'Which orders are late?' }];
  for (let t = 0; t < turns; t++) {
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `${seed}-${t}-${i}`, customer: `Customer ${i * 7 + t} ${seed}`, total: (i * 7.31 + t) % 500, status: ['late', 'ok', 'held'][i % 3] }));
    messages.push({ role: 'tool', tool_call_id: `call_${t}`, content: JSON.stringify(rows) });
  }
  return JSON.stringify({ model: 'gpt-4o', messages });
}

describe('large gateway bodies on the compute worker', () => {
  const fake = new FakeUpstream();
  let server: KaizenProcess;
  let key: string;
  const send = (body: string) =>
    fetch(`${server.url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) });

  beforeAll(async () => {
    await fake.start();
    server = new KaizenProcess({ args: ['--max-body', String(8 * 1024 * 1024), '--openai-upstream', `${fake.url}/v1`], env: { KAIZEN_OPENAI_API_KEY: 'sk-test-vendor' } });
    key = await createKey('acme', { dataDir: server.dataDir });
    await server.start();
    // Warm the worker (thread and tokenizer loading are not what is measured) with other texts.
    expect((await send(agentChat('warm', 10))).status).toBe(200);
  });

  afterAll(async () => {
    await server?.dispose();
    await fake.close();
  });

  it('health answers while a multi-MB chat is rewritten, and the upstream gets the rewritten body', async () => {
    // About 4.5 MB of tables never seen: about a second of encoding and counting on one core.
    const body = agentChat('new', 150);
    expect(body.length).toBeGreaterThan(4_000_000);
    const { result: answer, pings, median, workMs } = await pingWhile(server.url, () => send(body));
    expect(answer.status).toBe(200);
    expect(Number(answer.headers.get('x-kaizen-tokens-sent'))).toBeLessThan(Number(answer.headers.get('x-kaizen-tokens-original')));
    const sent = fake.last.body;
    expect(sent.length).toBeLessThan(body.length * 0.75);
    expect(JSON.parse(sent).messages).toHaveLength(151);
    // On the event loop the rewrite held the pings for its whole duration: one got through,
    // as slow as the rewrite. (Relative bounds: the machine may be busy.)
    expect(pings.length).toBeGreaterThanOrEqual(10);
    expect(median).toBeLessThan(workMs / 10);
  });

  it('a caller that leaves while its body is rewritten is a 499: nothing goes upstream, nothing is logged as a failure', async () => {
    const calls = fake.received.length;
    // The caller leaves once its whole body is sent (it is then read and rewritten, a second or
    // more), not after a fixed delay that a busy machine can outlast before the upload ends.
    const leaving = postInFlight(`${server.url}/openai/v1/chat/completions`, { authorization: `Bearer ${key}` }, agentChat('left', 150));
    await leaving.sent;
    leaving.request.destroy();
    expect(await leaving.answered).toBeInstanceOf(Error);
    const metricsSay499 = async () => /kaizen_http_requests_total\{route="\/openai\/v1\/chat\/completions",method="POST",status="499"\} 1/.test(await (await fetch(server.url + '/metrics')).text());
    await waitFor('the 499 in /metrics', metricsSay499).catch(() => {});
    expect(await metricsSay499()).toBe(true);
    expect(fake.received.length).toBe(calls);
    // Logs are flushed within a second: wait for the call's line, then look for a failure beside it.
    await waitFor('the 499 access log line', () => /"status":499/.test(server.output)).catch(() => {});
    expect(server.output).toMatch(/"status":499/);
    expect(server.output).not.toMatch(/rewrite failed|request failed/);
    // The worker it was on was stopped; the next large body starts another.
    expect((await send(agentChat('after', 10))).status).toBe(200);
  });
});
