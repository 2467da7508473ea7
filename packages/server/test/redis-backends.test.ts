/**
 * The Redis backends against a real redis-server: payload store (TTL, tombstones, tenant
 * scoping, atomic replays), the shared Lua token bucket, API keys, and failure behaviour
 * (fast BackendUnavailableError, recovery, no lost acknowledged write).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_REPLAY_BYTES_PER_PAYLOAD, MAX_REPLAYS_PER_PAYLOAD, newPayloadId, type PayloadReplay, type StoredPayload } from '@kaizen/core';
import { createSqliteBackends } from '../src/backends/sqlite/index.js';
import { replayRecordBytes, replayTexts } from '../src/backends/replay-size.js';
import { Keyspace } from '../src/backends/redis/keyspace.js';
import { BackendUnavailableError } from '../src/backends/types.js';
import { createRedisBackends, LuaScript, RedisPayloadStore, type RedisBackends } from '../src/backends/redis/index.js';
import { freePort, RedisProcess, removeTempDirs, tempDir, waitFor } from '@kaizen/testkit';

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
const keyPrefix = `t${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  await redis.start();
  backends = await createRedisBackends({ redisUrl: redis.url, rateLimitPerMinute: 10, tombstoneSeconds: 1, redisKeyPrefix: keyPrefix });
});

afterAll(async () => {
  await backends?.close();
  await redis.dispose();
  removeTempDirs();
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
    // Redis expires the key on its own clock: the put and the first read must both land within
    // the TTL, which a loaded machine can stretch to hundreds of ms. A second is far above that.
    const short = payload('acme', { expiresAt: now + 1_000 });
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

describe('replay records: the same bound on Redis and SQLite, and appends that read nothing back', () => {
  /** The replays a store should keep: the newest ones, while within both bounds (replayRecordBytes each). */
  function newestWithin(replays: PayloadReplay[]): PayloadReplay[] {
    let bytes = 0;
    let keep = 0;
    for (let i = replays.length - 1; i >= 0 && keep < MAX_REPLAYS_PER_PAYLOAD; i--) {
      bytes += replayRecordBytes(replayTexts(replays[i]!));
      if (bytes > MAX_REPLAY_BYTES_PER_PAYLOAD) break;
      keep++;
    }
    return replays.slice(replays.length - keep);
  }

  const replayArb = fc.record({
    width: fc.integer({ min: 0, max: 60_000 }),
    char: fc.constantFrom('x', 'é', '€', '😀'),
    requestId: fc.stringMatching(/^[A-Za-z0-9._:@/+=-]{0,120}$/),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }), { nil: null }),
  });

  it('keeps exactly the same records in both backends, the newest within 100 records and 1 MiB as replayRecordBytes counts them', async () => {
    const sqlite = createSqliteBackends({ dataDir: tempDir(), rateLimitPerMinute: 600, tombstoneSeconds: 60 });
    let byteBound = 0;
    const keptBoth = async (replays: PayloadReplay[]) => {
      const item = payload('acme');
      await Promise.all([backends.payloads.put(item), sqlite.payloads.put(item)]);
      for (const replay of replays) await Promise.all([backends.payloads.recordReplay('acme', item.id, replay), sqlite.payloads.recordReplay('acme', item.id, replay)]);
      return { sqlite: sqlite.payloads.replays('acme', item.id), redis: await (backends.payloads as RedisPayloadStore).replays('acme', item.id) };
    };
    try {
      // Records counting exactly 32 KiB each, with long (caller-chosen) request ids: 32 fit in 1 MiB, on both.
      const width = 32 * 1024 - replayRecordBytes(replayTexts({ at: 0, requestId: '', replayMeta: { note: '' }, metadata: null }));
      const exact = Array.from({ length: 40 }, (_, i) => ({ at: i, requestId: `${i}`.padEnd(128, 'q'), replayMeta: { note: 'x'.repeat(width) }, metadata: null }));
      expect(replayRecordBytes(replayTexts(exact[0]!))).toBe(32 * 1024);
      const kept = await keptBoth(exact);
      expect(kept.sqlite).toEqual(exact.slice(8));
      expect(kept.redis).toEqual(exact.slice(8));
      await fc.assert(
        fc.asyncProperty(fc.array(replayArb, { minLength: 1, maxLength: 130, size: 'max' }), async (specs) => {
          const replays = specs.map(({ width, char, requestId, metadata }, i) => ({ at: i, requestId: `${i}${requestId}`, replayMeta: width ? { note: char.repeat(width / char.length) } : null, metadata }));
          const expected = newestWithin(replays);
          if (expected.length < Math.min(replays.length, MAX_REPLAYS_PER_PAYLOAD)) byteBound++;
          const kept = await keptBoth(replays);
          expect(kept.sqlite).toEqual(expected);
          expect(kept.redis).toEqual(expected);
        }),
        { numRuns: 12 },
      );
      // Most runs add more than 1 MiB: the byte bound, where the two backends used to differ, is what is compared.
      expect(byteBound).toBeGreaterThan(3);
    } finally {
      await sqlite.close();
    }
  }, 120_000);

  it('appends without reading the list back, and still bounds it', async () => {
    const item = payload('acme');
    await backends.payloads.put(item);
    const lranges = async () => Number(/cmdstat_lrange:calls=(\d+)/.exec(await backends.redis.info('commandstats'))?.[1] ?? 0);
    const before = await lranges();
    const replays = Array.from({ length: 150 }, (_, i) => ({ at: i, requestId: `r${i}`, replayMeta: { note: 'n'.repeat((i * 7919) % 50_000) }, metadata: null }));
    for (const replay of replays) await backends.payloads.recordReplay('acme', item.id, replay);
    expect(await lranges()).toBe(before);
    expect(await (backends.payloads as RedisPayloadStore).replays('acme', item.id)).toEqual(newestWithin(replays));
  });

  it('sizes a list written before sizes were kept on its next append, and bounds it', async () => {
    const item = payload('acme');
    await backends.payloads.put(item);
    const keyspace = new Keyspace(keyPrefix);
    const old = Array.from({ length: 30 }, (_, i) => JSON.stringify({ at: i, requestId: `old${i}`, replayMeta: { note: 'o'.repeat(60_000) }, metadata: null }));
    await backends.redis.rpush(keyspace.replays('acme', item.id), ...old);
    await backends.payloads.recordReplay('acme', item.id, { at: 99, requestId: 'new', replayMeta: null, metadata: null });
    const kept = await (backends.payloads as RedisPayloadStore).replays('acme', item.id);
    expect(kept.at(-1)!.requestId).toBe('new');
    // Old records count their length (a little over replayRecordBytes): as many as fit in 1 MiB beside the new one.
    expect(kept.length - 1).toBe(Math.floor((MAX_REPLAY_BYTES_PER_PAYLOAD - replayRecordBytes({ replayMeta: null, metadata: null })) / old[0]!.length));
    expect(kept[0]!.requestId).toBe(`old${30 - (kept.length - 1)}`);
    expect(await backends.redis.llen(keyspace.replaySizes('acme', item.id))).toBe(kept.length);
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
      // The load is running (acknowledged writes) when Redis dies, however slowly it started.
      await waitFor('writes acknowledged before the kill', () => acked.length >= 5);
      await own.kill9();
      const started = Date.now();
      await expect(fleet.payloads.get('acme', newPayloadId())).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(fleet.rateLimiter.take('acme')).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(fleet.keys.verify('kzk_x')).rejects.toBeInstanceOf(BackendUnavailableError);
      expect(Date.now() - started).toBeLessThan(2_500);
      // Writes in flight at the kill are retried once on reconnect, then fail: wait for that.
      await waitFor('puts failing while Redis is down', () => failures >= 8);
      const ackedBeforeRestart = acked.length;
      await own.start();
      // Healed: the same writers get acknowledgements again (waited for, not a fixed time).
      await waitFor('writes acknowledged after Redis returned', () => acked.length >= ackedBeforeRestart + 5, 15_000);
      stop = true;
      await Promise.all(writers);
      expect(acked.length).toBeGreaterThan(ackedBeforeRestart);
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
