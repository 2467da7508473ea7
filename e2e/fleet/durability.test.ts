/**
 * Durability: `kill -9` during a write load. Every payload id that received a 200 must decode
 * after a restart, on the embedded SQLite store and on Redis with AOF (appendfsync always).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, RedisProcess } from '@kaizen/testkit';
import { samplePrompt } from '../helpers.js';

interface Acked {
  id: string;
  prompt: unknown;
}

/** Writers hammer prompts.encode until told to stop; connection errors after the kill are expected. */
function writeLoad(server: KaizenProcess, key: string, writers = 6) {
  const acked: Acked[] = [];
  const statuses = new Map<number, number>();
  let stop = false;
  let seed = 0;
  const done = Promise.all(
    Array.from({ length: writers }, async () => {
      while (!stop) {
        const prompt = samplePrompt(seed++);
        try {
          const r = await postJson(server.url, '/v1/prompts/encode', { prompt, metadata: { seed } }, key, { timeoutMs: 5_000 });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status === 200) acked.push({ id: r.body.meta.payload_id, prompt });
        } catch {
          // The process died under us: this request was never acknowledged.
          await sleep(5);
        }
      }
    }),
  );
  return {
    acked,
    statuses,
    /** Resolves once `count` writes were acknowledged (or after `capMs`, whichever is first), so a loaded machine still kills mid-load. */
    async untilAcked(count: number, capMs = 30_000) {
      const deadline = Date.now() + capMs;
      while (acked.length < count && Date.now() < deadline) await sleep(20);
    },
    async stop() {
      stop = true;
      await done;
    },
  };
}

async function expectAllDecode(server: KaizenProcess, key: string, acked: Acked[]): Promise<void> {
  const missing: string[] = [];
  for (let i = 0; i < acked.length; i += 16) {
    const batch = acked.slice(i, i + 16);
    const results = await Promise.all(batch.map((item) => postJson(server.url, '/v1/prompts/decode', { ktof: item.id }, key)));
    results.forEach((r, j) => {
      if (r.status !== 200 || JSON.stringify(r.body.result) !== JSON.stringify(batch[j]!.prompt)) missing.push(`${batch[j]!.id}: ${r.status}`);
    });
  }
  expect(missing).toEqual([]);
}

describe('kill -9 during a write load loses no acknowledged payload', () => {
  it('on SQLite', async () => {
    const server = new KaizenProcess({ args: ['--rate-limit', '1000000'] });
    try {
      const key = await createKey('acme', { dataDir: server.dataDir });
      await server.start();
      const load = writeLoad(server, key);
      await load.untilAcked(40);
      await server.kill9();
      await load.stop();
      expect(load.acked.length).toBeGreaterThan(20);
      expect([...load.statuses.keys()]).toEqual([200]);
      await server.start();
      await expectAllDecode(server, key, load.acked);
    } finally {
      await server.dispose();
    }
  });

  it('on Redis with AOF (appendfsync always): redis-server and the replica both killed', async () => {
    const redis = new RedisProcess({ aof: true });
    await redis.start();
    const server = new KaizenProcess({ redisUrl: redis.url, args: ['--rate-limit', '1000000'] });
    try {
      const key = await createKey('acme', { redisUrl: redis.url });
      await server.start();
      const load = writeLoad(server, key);
      await load.untilAcked(40);
      // Redis first: requests in flight then fail (503) rather than being acknowledged.
      await redis.kill9();
      await sleep(100);
      await server.kill9();
      await load.stop();
      expect(load.acked.length).toBeGreaterThan(20);
      // Only 200s and, once Redis was gone, 503s: never a 500, never a hang.
      expect([...load.statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
      await redis.start();
      await server.start();
      await expectAllDecode(server, key, load.acked);
    } finally {
      await server.dispose();
      await redis.dispose();
    }
  });
});

describe('a Redis outage', () => {
  it('answers 503 with Retry-After quickly (no hang), and the replica heals when Redis returns', async () => {
    const redis = new RedisProcess({ aof: true });
    await redis.start();
    const server = new KaizenProcess({ redisUrl: redis.url });
    try {
      const key = await createKey('acme', { redisUrl: redis.url });
      await server.start();
      const stored = await postJson(server.url, '/v1/prompts/encode', { prompt: samplePrompt(1) }, key);
      expect(stored.status).toBe(200);
      await redis.kill9();
      for (const [path, body] of [
        ['/v1/prompts/encode', { prompt: samplePrompt(2) }],
        ['/v1/prompts/decode', { ktof: stored.body.meta.payload_id }],
        ['/v1/compress', { data: { a: 1 } }],
      ] as const) {
        const started = Date.now();
        const r = await postJson(server.url, path, body, key);
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(r.status, path).toBe(503);
        expect(r.body.code).toBe('backend_unavailable');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(JSON.stringify(r.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
      }
      await redis.start();
      const healed = await (async () => {
        for (let i = 0; i < 100; i++) {
          const r = await postJson(server.url, '/v1/prompts/decode', { ktof: stored.body.meta.payload_id }, key);
          if (r.status === 200) return r;
          await sleep(50);
        }
        throw new Error('the replica did not heal');
      })();
      expect(healed.body.result).toEqual(samplePrompt(1));
    } finally {
      await server.dispose();
      await redis.dispose();
    }
  });
});
