import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createSqliteBackends, MemoryRateLimiter } from '../src/index.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('MemoryRateLimiter (token bucket)', () => {
  it('allows a burst of `limit`, then refills at limit per minute', () => {
    const limiter = new MemoryRateLimiter(60); // one token per second
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) expect(limiter.takeSync('a', t0).allowed).toBe(true);
    const refused = limiter.takeSync('a', t0);
    expect(refused).toMatchObject({ allowed: false, limit: 60, remaining: 0, retryAfterSeconds: 1 });
    expect(refused.resetSeconds).toBe(60);
    expect(limiter.takeSync('b', t0).allowed).toBe(true);
    expect(limiter.takeSync('a', t0 + 999).allowed).toBe(false);
    expect(limiter.takeSync('a', t0 + 1000).allowed).toBe(true);
  });

  it('property: over any schedule, allowed requests never exceed limit + refill', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 300 }), (limit, gaps) => {
        const limiter = new MemoryRateLimiter(limit);
        let now = 0;
        let allowed = 0;
        for (const gap of gaps) {
          now += gap;
          const decision = limiter.takeSync('t', now);
          if (decision.allowed) allowed++;
          expect(decision.remaining).toBeGreaterThanOrEqual(0);
          expect(decision.remaining).toBeLessThanOrEqual(limit);
          if (!decision.allowed) expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        }
        expect(allowed).toBeLessThanOrEqual(limit + Math.floor((now * limit) / 60_000));
      }),
      { numRuns: 200 },
    );
  });
});

describe('SQLite key store', () => {
  it('stores only hashes, verifies in constant time, lists and revokes', async () => {
    const dataDir = tempDir();
    const backends = createSqliteBackends({ dataDir, rateLimitPerMinute: 600, tombstoneSeconds: 60 });
    const { key, record } = await backends.keys.create('acme');
    expect(key).toMatch(/^kzk_[A-Za-z0-9_-]{32}$/);
    expect(await backends.keys.verify(key)).toMatchObject({ id: record.id, tenant: 'acme', revokedAt: null });
    expect(await backends.keys.verify(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(await backends.keys.count()).toBe(1);
    expect(await backends.keys.list()).toEqual([record]);
    expect(await backends.keys.revoke(key)).toBe(true);
    expect((await backends.keys.verify(key))!.revokedAt).not.toBeNull();
    expect(await backends.keys.revoke(record.id)).toBe(false);
    await backends.close();
    for (const file of readdirSync(dataDir)) expect(readFileSync(join(dataDir, file)).includes(key.slice(4))).toBe(false);
  });
});

describe('SQLite payload store', () => {
  it('group-commits concurrent puts, isolates tenants and honours TTL + tombstones', async () => {
    const backends = createSqliteBackends({ dataDir: tempDir(), rateLimitPerMinute: 600, tombstoneSeconds: 10 });
    const now = Date.now();
    const payload = (i: number) => ({ id: `kz_${String(i).padStart(22, '0')}`, tenant: 'acme', encoded: `k${i}`, original: { i }, metadata: { i }, meta: {}, createdAt: now, expiresAt: now + 1_000 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => backends.payloads.put(payload(i))));
    const found = await backends.payloads.get('acme', payload(7).id, now);
    expect(found).toEqual({ status: 'found', payload: payload(7) });
    expect(await backends.payloads.get('other', payload(7).id, now)).toEqual({ status: 'missing' });
    expect(await backends.payloads.get('acme', payload(7).id, now + 1_000)).toEqual({ status: 'expired' });
    expect(await backends.payloads.get('acme', payload(7).id, now + 11_000)).toEqual({ status: 'missing' });
    // A duplicate id fails alone; its batch neighbours still commit.
    const results = await Promise.allSettled([backends.payloads.put(payload(7)), backends.payloads.put(payload(99))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect((await backends.payloads.get('acme', payload(99).id, now)).status).toBe('found');
    await backends.close();
  });
});
