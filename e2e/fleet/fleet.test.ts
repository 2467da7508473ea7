/**
 * Two `kaizen serve --redis` replicas on one real redis-server: payloads written through one
 * decode through the other, a tenant's rate limit is shared, and killing one replica mid-load
 * loses no acknowledged payload while the other keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, RedisProcess, waitFor } from '@kaizen/testkit';
import { refilledWithin, samplePrompt } from '../helpers.js';

const RATE_LIMIT = 40;
const redis = new RedisProcess({ aof: true });
let a: KaizenProcess;
let b: KaizenProcess;
let key: string;

beforeAll(async () => {
  await redis.start();
  key = await createKey('acme', { redisUrl: redis.url });
  a = new KaizenProcess({ redisUrl: redis.url, args: ['--rate-limit', String(RATE_LIMIT)] });
  b = new KaizenProcess({ redisUrl: redis.url, args: ['--rate-limit', String(RATE_LIMIT)] });
  await Promise.all([a.start(), b.start()]);
});

afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()]);
  await redis.dispose();
});

describe('a fleet of two replicas on one Redis', () => {
  it('reports the redis backend in health', async () => {
    const health = await (await fetch(a.url + '/')).json();
    expect(JSON.stringify(health)).toContain('redis');
  });

  it('shares keys: a key created with `kaizen keys create --redis` works on both, another tenant cannot read', async () => {
    const prompt = samplePrompt(1);
    const encoded = await postJson(a.url, '/v1/prompts/encode', { prompt, metadata: { ticket: 7 } }, key);
    expect(encoded.status).toBe(200);
    const id = encoded.body.meta.payload_id as string;
    expect(id).toMatch(/^kz_[A-Za-z0-9_-]{22}$/);

    const decoded = await postJson(b.url, '/v1/prompts/decode', { ktof: id, replay_meta: { via: 'b' } }, key);
    expect(decoded.status).toBe(200);
    expect(decoded.body.result).toEqual(prompt);

    const other = await createKey('globex', { redisUrl: redis.url });
    const foreign = await postJson(b.url, '/v1/prompts/decode', { ktof: id }, other);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('payload_not_found');
  });

  it('shares a tenant rate limit: 200s across both replicas stay within the bucket', async () => {
    const tenantKey = await createKey('limited', { redisUrl: redis.url });
    const attempts = RATE_LIMIT * 2;
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) => postJson(i % 2 ? a.url : b.url, '/v1/compress', { data: { i } }, tenantKey)),
    );
    const dripped = refilledWithin(RATE_LIMIT, Date.now() - started);
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(attempts);
    // A bucket of RATE_LIMIT, refilling RATE_LIMIT/min: only what dripped in meanwhile gets past it.
    expect(ok.length).toBeGreaterThanOrEqual(RATE_LIMIT);
    expect(ok.length).toBeLessThanOrEqual(RATE_LIMIT + dripped);
    // Both replicas answered 429 (the bucket is shared, not per process).
    const limitedBy = new Set(responses.map((r, i) => (r.status === 429 ? i % 2 : -1)).filter((x) => x >= 0));
    expect(limitedBy.size).toBe(2);
    for (const r of limited) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get('ratelimit-limit')).toBe(String(RATE_LIMIT));
      expect(r.body.code).toBe('rate_limited');
    }
  });

  it('loses no acknowledged payload when one replica is killed mid-load; the other keeps serving', async () => {
    // A pair of its own with the rate limit out of the way, so every request is real load.
    const unlimited = { redisUrl: redis.url, args: ['--rate-limit', '1000000'] };
    const a = new KaizenProcess(unlimited);
    const b = new KaizenProcess(unlimited);
    await Promise.all([a.start(), b.start()]);
    try {
      await killOneMidLoad(a, b);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });
});

async function killOneMidLoad(a: KaizenProcess, b: KaizenProcess): Promise<void> {
  const loadKey = await createKey('load', { redisUrl: redis.url });
  const acked: { id: string; prompt: unknown }[] = [];
  let failedOnKilled = 0;
  let stop = false;
  let seed = 1_000;
  const writer = async (target: KaizenProcess) => {
    while (!stop) {
      const prompt = samplePrompt(seed++);
      try {
        const r = await postJson(target.url, '/v1/prompts/encode', { prompt }, loadKey, { timeoutMs: 5_000 });
        expect(r.status).toBe(200);
        acked.push({ id: r.body.meta.payload_id, prompt });
      } catch {
        // Connection refused or reset: only the killed replica may do that.
        expect(target).toBe(a);
        failedOnKilled++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
  const writers = [writer(a), writer(a), writer(b), writer(b)];
  // Mid-load means writes were acknowledged before the kill and are still being sent after it:
  // wait for those events (on a loaded machine the first acknowledgement can take seconds).
  await waitFor('writes acknowledged before the kill', () => acked.length >= 10, 20_000);
  await a.kill9();
  const ackedAtKill = acked.length;
  await waitFor('writes refused by the killed replica and acknowledged by the other', () => failedOnKilled > 0 && acked.length > ackedAtKill, 20_000);
  stop = true;
  await Promise.all(writers);
  expect(ackedAtKill).toBeGreaterThan(0);
  expect(failedOnKilled).toBeGreaterThan(0);
  // b kept serving after the kill.
  const health = await fetch(b.url + '/');
  expect(health.status).toBe(200);
  for (const { id, prompt } of acked) {
    const r = await postJson(b.url, '/v1/prompts/decode', { ktof: id }, loadKey);
    expect(r.status, id).toBe(200);
    expect(r.body.result).toEqual(prompt);
  }
  // The killed replica comes back on the same Redis and sees everything too.
  await a.start();
  const last = acked.at(-1)!;
  expect((await postJson(a.url, '/v1/prompts/decode', { ktof: last.id }, loadKey)).body.result).toEqual(last.prompt);
}
