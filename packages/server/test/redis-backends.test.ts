/**
 * The Redis backends against a real redis-server: payload store (TTL, tombstones, tenant
 * scoping, atomic replays), the shared Lua token bucket, API keys, and failure behaviour
 * (fast BackendUnavailableError, recovery, no lost acknowledged write).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPayloadId, type StoredPayload } from '@kaizen/core';
import { BackendUnavailableError } from '../src/backends/types.js';
import { createRedisBackends, LuaScript, RedisPayloadStore, type RedisBackends } from '../src/backends/redis/index.js';
import { freePort, RedisProcess, waitFor } from '@kaizen/testkit';

function payload(tenant: string, overrides: Partial<StoredPayload> = {}): StoredPayload {
  const now = Date.now();
  return {
    id: newPayloadId(),
    tenant,
    encoded: 'users[2]{id,name}:\n  1,Ada\n  2,Linus',
    original: { messages: [{ role: 'user', content: '{"users":[{"id":1,"name":"Ada"}]}' }], __proto__x: 1 },
    metadata: { team: 'search', nested: { a: [1, 2] } },
    meta: { format_version: 1 },
    createdAt: now,
    expiresAt: now + 60_000,
    ...overrides,
  };
}

const redis = new RedisProcess();
let backends: RedisBackends;

beforeAll(async () => {
  await redis.start();
  backends = await createRedisBackends({ redisUrl: redis.url, rateLimitPerMinute: 10, tombstoneSeconds: 1, redisKeyPrefix: `t${randomUUID().slice(0, 8)}:` });
});

afterAll(async () => {
  await backends?.close();
  await redis.dispose();
});

describe('RedisPayloadStore', () => {
  it('stores a payload and returns it unchanged to its tenant only', async () => {
    const stored = payload('acme');
    // An own "__proto__" key (as JSON.parse creates it) survives the round trip as data.
    (stored.metadata as Record<string, unknown>) = JSON.parse('{"__proto__":{"polluted":true},"team":"x"}');
    await backends.payloads.put(stored);
    const found = await backends.payloads.get('acme', stored.id);
    expect(found).toEqual({ status: 'found', payload: stored });
    expect(Object.prototype.hasOwnProperty.call(found.status === 'found' ? found.payload.metadata : {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await backends.payloads.get('globex', stored.id)).toEqual({ status: 'missing' });
    expect(await backends.payloads.get('acme', newPayloadId())).toEqual({ status: 'missing' });
    expect(await backends.payloads.get('acme', 'x'.repeat(10_000))).toEqual({ status: 'missing' });
  });

  it('keeps tenants apart even when names look like key syntax', async () => {
    const tricky = ['a}:p:', '{t:a}', 'a:b', 'ü', ''];
    const items = tricky.map((tenant) => payload(tenant));
    for (const item of items) await backends.payloads.put(item);
    for (const [index, item] of items.entries()) {
      expect((await backends.payloads.get(item.tenant, item.id)).status).toBe('found');
      for (const other of tricky) if (other !== tricky[index]) expect((await backends.payloads.get(other, item.id)).status).toBe('missing');
    }
  });

  it('answers expired (410) after the TTL while the tombstone lives, then missing (404)', async () => {
    const now = Date.now();
    const short = payload('acme', { expiresAt: now + 300 });
    await backends.payloads.put(short);
    expect((await backends.payloads.get('acme', short.id)).status).toBe('found');
    await sleep(short.expiresAt - Date.now() + 60);
    expect(await backends.payloads.get('acme', short.id)).toEqual({ status: 'expired' });
    // The content itself is gone from Redis, not just hidden.
    expect(await backends.redis.keys('*:p:' + short.id)).toEqual([]);
    expect(await backends.payloads.get('globex', short.id)).toEqual({ status: 'missing' });
    await sleep(short.expiresAt + 1_000 - Date.now() + 60);
    expect(await backends.payloads.get('acme', short.id)).toEqual({ status: 'missing' });
    expect(await backends.redis.keys('*' + short.id + '*')).toEqual([]);
  });

  it('honours a caller clock ahead of Redis (410, then 404)', async () => {
    const item = payload('acme');
    await backends.payloads.put(item);
    expect((await backends.payloads.get('acme', item.id, item.expiresAt + 1)).status).toBe('expired');
    expect((await backends.payloads.get('acme', item.id, item.expiresAt + 5_000)).status).toBe('missing');
  });

  it('appends concurrent replays atomically, and never for unknown or foreign ids', async () => {
    const item = payload('acme');
    await backends.payloads.put(item);
    const store = backends.payloads as RedisPayloadStore;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.recordReplay('acme', item.id, { at: i, requestId: `r${i}`, replayMeta: { i }, metadata: null })),
    );
    const replays = await store.replays('acme', item.id);
    expect(replays).toHaveLength(50);
    expect(new Set(replays.map((r) => r.requestId)).size).toBe(50);
    await store.recordReplay('globex', item.id, { at: 1, requestId: 'x', replayMeta: null, metadata: null });
    await store.recordReplay('acme', newPayloadId(), { at: 1, requestId: 'x', replayMeta: null, metadata: null });
    expect(await store.replays('globex', item.id)).toEqual([]);
    expect(await backends.redis.keys('*:r:*')).toHaveLength(1);
    // The audit list expires with the tombstone.
    const ttl = await backends.redis.pttl((await backends.redis.keys('*:r:*'))[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(item.expiresAt + 1_000 - Date.now() + 50);
  });
});

describe('RedisRateLimiter', () => {
  it('is a token bucket: `limit` requests, then 429 advice, refilling per minute', async () => {
    const t0 = 1_700_000_000_000;
    const decisions = [];
    for (let i = 0; i < 11; i++) decisions.push(await backends.rateLimiter.take('bucket-a', t0));
    expect(decisions.slice(0, 10).every((d) => d.allowed)).toBe(true);
    expect(decisions[0]).toMatchObject({ limit: 10, remaining: 9 });
    expect(decisions[9]).toMatchObject({ remaining: 0 });
    expect(decisions[10]).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 6, resetSeconds: 60 });
    // 10 per minute: one token every 6 s.
    expect((await backends.rateLimiter.take('bucket-a', t0 + 5_900)).allowed).toBe(false);
    expect((await backends.rateLimiter.take('bucket-a', t0 + 6_000)).allowed).toBe(true);
    expect((await backends.rateLimiter.take('bucket-b', t0)).remaining).toBe(9);
  });

  it('is shared by replicas: concurrent takes on two connections never exceed the bucket', async () => {
    const a = await createRedisBackends({ redisUrl: redis.url, rateLimitPerMinute: 20, redisKeyPrefix: 'shared:' });
    const b = await createRedisBackends({ redisUrl: redis.url, rateLimitPerMinute: 20, redisKeyPrefix: 'shared:' });
    try {
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).rateLimiter.take('shared')));
      expect(results.filter((d) => d.allowed)).toHaveLength(20);
      expect(results.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds >= 1)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('falls back to EVAL when Redis forgot the script (NOSCRIPT)', async () => {
    await backends.redis.script('FLUSH');
    expect((await backends.rateLimiter.take('after-flush')).allowed).toBe(true);
    const script = new LuaScript('return ARGV[1]');
    expect(await backends.redis.script('EXISTS', script.sha)).toEqual([0]);
    expect(await script.run(backends.redis, [], ['hello'])).toBe('hello');
    // The fallback EVAL cached it: the next run goes by SHA.
    expect(await backends.redis.script('EXISTS', script.sha)).toEqual([1]);
  });
});

describe('RedisKeyStore', () => {
  it('creates, verifies, lists and revokes keys, storing only hashes', async () => {
    const { key, record } = await backends.keys.create('acme');
    expect(record).toMatchObject({ tenant: 'acme', revokedAt: null });
    expect(key.startsWith(record.prefix)).toBe(true);
    expect(record.prefix.length).toBeLessThan(key.length);
    expect(await backends.keys.verify(key)).toEqual(record);
    expect(await backends.keys.verify(key + 'x')).toBeNull();
    expect(await backends.keys.verify('')).toBeNull();
    // Nothing in Redis holds the plaintext key.
    for (const name of await backends.redis.keys('*')) {
      expect(name).not.toContain(key);
      const type = await backends.redis.type(name);
      const dump = type === 'hash' ? JSON.stringify(await backends.redis.hgetall(name)) : type === 'string' ? await backends.redis.get(name) : '';
      expect(dump ?? '').not.toContain(key);
    }
    const second = await backends.keys.create('globex');
    expect((await backends.keys.list()).map((r) => r.id)).toEqual([record.id, second.record.id]);
    expect(await backends.keys.count()).toBe(2);

    expect(await backends.keys.revoke(record.id)).toBe(true);
    const revoked = await backends.keys.verify(key);
    expect(revoked?.revokedAt).toEqual(expect.any(Number));
    expect(await backends.keys.revoke(second.key)).toBe(true);
    expect((await backends.keys.verify(second.key))?.revokedAt).toEqual(expect.any(Number));
    expect(await backends.keys.revoke('key_doesnotexist')).toBe(false);
    expect(await backends.keys.revoke('kzk_nope')).toBe(false);
    expect(await backends.keys.count()).toBe(2);
  });
});

describe('configuration', () => {
  it('reads the Redis knobs from the environment, explicit configuration first, and checks them', async () => {
    const fromEnv = await createRedisBackends({ redisUrl: redis.url }, { KAIZEN_REDIS_PREFIX: 'envprefix:' });
    try {
      await fromEnv.keys.create('acme');
      expect((await fromEnv.redis.keys('envprefix:*')).length).toBeGreaterThan(0);
    } finally {
      await fromEnv.close();
    }
    const explicit = await createRedisBackends({ redisUrl: redis.url, redisKeyPrefix: 'explicit:' }, { KAIZEN_REDIS_PREFIX: 'envprefix:' });
    try {
      await explicit.keys.create('acme');
      expect((await explicit.redis.keys('explicit:*')).length).toBeGreaterThan(0);
    } finally {
      await explicit.close();
    }
    await expect(createRedisBackends({ redisUrl: redis.url }, { KAIZEN_REDIS_COMMAND_TIMEOUT_MS: 'fast' })).rejects.toThrow(/KAIZEN_REDIS_COMMAND_TIMEOUT_MS/);
  });
});

describe('when Redis fails', () => {
  it('refuses to start quickly when Redis is unreachable', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(createRedisBackends({ redisUrl: `redis://:s3cret@127.0.0.1:${port}`, redisConnectTimeoutMs: 500 })).rejects.toSatisfy(
      (error: unknown) => error instanceof BackendUnavailableError && !String((error as Error).message).includes('s3cret'),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails fast with BackendUnavailableError while Redis is down, loses no acknowledged write, and heals', async () => {
    const own = new RedisProcess({ aof: true });
    await own.start();
    const fleet = await createRedisBackends({ redisUrl: own.url, redisCommandTimeoutMs: 1_000 });
    try {
      const acked: StoredPayload[] = [];
      let failures = 0;
      let slowestFailureMs = 0;
      let stop = false;
      // A write load that keeps going while Redis is killed and restarted.
      const writers = Array.from({ length: 4 }, async () => {
        while (!stop) {
          const item = payload('acme');
          const started = Date.now();
          try {
            await fleet.payloads.put(item);
            acked.push(item);
          } catch (error) {
            expect(error).toBeInstanceOf(BackendUnavailableError);
            slowestFailureMs = Math.max(slowestFailureMs, Date.now() - started);
            failures++;
            await sleep(5);
          }
        }
      });
      await sleep(150);
      await own.kill9();
      const started = Date.now();
      await expect(fleet.payloads.get('acme', newPayloadId())).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(fleet.rateLimiter.take('acme')).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(fleet.keys.verify('kzk_x')).rejects.toBeInstanceOf(BackendUnavailableError);
      expect(Date.now() - started).toBeLessThan(2_500);
      // Writes in flight at the kill are retried once on reconnect, then fail: wait for that.
      await waitFor('puts failing while Redis is down', () => failures >= 8);
      await own.start();
      await sleep(300);
      await fleet.ping().catch(() => sleep(1_000));
      stop = true;
      await Promise.all(writers);
      expect(acked.length).toBeGreaterThan(10);
      // Never a hang: a failed put gave up within the command timeout (1 s) plus slack.
      expect(slowestFailureMs).toBeLessThan(2_000);
      // Every put that resolved is in the append-only file that survived SIGKILL.
      for (const item of acked) expect((await fleet.payloads.get('acme', item.id)).status).toBe('found');
    } finally {
      await fleet.close();
      await own.dispose();
    }
  });
});
