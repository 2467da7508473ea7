import { afterAll, describe, expect, it } from 'vitest';
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import fc from 'fast-check';
import { createSqliteBackends, MemoryRateLimiter } from '../src/index.js';
import { openDatabase, openSqliteKeyStore } from '../src/backends/sqlite/index.js';
import { startCheckpointer } from '../src/backends/sqlite/checkpointer.js';
import { replayRecordBytes } from '../src/backends/replay-size.js';
import { VERSION_CHECK_MS } from '../src/backends/sqlite/key-store.js';
import { removeTempDirs, tempDir, waitFor } from './helpers.js';

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

  it('remembers verified keys, yet sees keys revoked by another process within VERSION_CHECK_MS', async () => {
    const dataDir = tempDir();
    const server = createSqliteBackends({ dataDir, rateLimitPerMinute: 600, tombstoneSeconds: 60 });
    const cli = openSqliteKeyStore(dataDir); // another connection, as `kaizen keys` uses
    try {
      const { key, record } = await cli.create('acme');
      expect(await server.keys.verify(key)).toMatchObject({ id: record.id, revokedAt: null });
      expect(await server.keys.verify(key)).toMatchObject({ id: record.id, revokedAt: null }); // remembered
      expect(await cli.revoke(record.id)).toBe(true);
      // A timer can fire up to a millisecond before performance.now() says its delay passed.
      await new Promise((resolve) => setTimeout(resolve, VERSION_CHECK_MS + 2));
      expect((await server.keys.verify(key))!.revokedAt).not.toBeNull();
      const second = await cli.create('acme');
      expect(await server.keys.verify(second.key)).toMatchObject({ id: second.record.id }); // never-seen keys are looked up
    } finally {
      await cli.close();
      await server.close();
    }
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

describe('SQLite schema and WAL', () => {
  it('migrates a data directory of the first schema (WITHOUT ROWID payloads) keeping every payload', async () => {
    const dataDir = tempDir();
    const old = new Database(join(dataDir, 'kaizen.db'));
    old.pragma('journal_mode = WAL');
    old.exec(`CREATE TABLE payloads (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, encoded TEXT, original TEXT, metadata TEXT, meta TEXT,
                created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
              CREATE INDEX payloads_expires_at ON payloads (expires_at);
              CREATE TABLE payload_replays (payload_id TEXT NOT NULL, tenant TEXT NOT NULL, at INTEGER NOT NULL, request_id TEXT NOT NULL, replay_meta TEXT, metadata TEXT);
              CREATE TABLE api_keys (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);
              PRAGMA user_version = 1;`);
    const now = Date.now();
    old.prepare('INSERT INTO payloads VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('kz_' + 'a'.repeat(22), 'acme', '"k"', '{"x":1}', '{"m":1}', '{}', now, now + 60_000);
    old.prepare('INSERT INTO payload_replays VALUES (?, ?, ?, ?, ?, ?)').run('kz_' + 'a'.repeat(22), 'acme', now, 'r1', '{"note":"café"}', null);
    old.close();
    const backends = createSqliteBackends({ dataDir, rateLimitPerMinute: 600, tombstoneSeconds: 60 });
    expect(await backends.payloads.get('acme', 'kz_' + 'a'.repeat(22), now)).toMatchObject({ status: 'found', payload: { encoded: 'k', original: { x: 1 }, metadata: { m: 1 } } });
    await backends.close();
    const reopened = new Database(join(dataDir, 'kaizen.db'), { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(3);
    // Replay records written before their size was kept are sized as new ones are.
    expect(reopened.prepare('SELECT bytes FROM payload_replays').get()).toEqual({ bytes: replayRecordBytes({ replayMeta: '{"note":"café"}', metadata: null }) });
    expect(String((reopened.prepare("SELECT sql FROM sqlite_master WHERE name = 'payloads'").get() as { sql: string }).sql)).not.toMatch(/WITHOUT ROWID/);
    reopened.close();
  });

  it('stores the JSON text the engine already serialised, and never the hint itself', async () => {
    const dataDir = tempDir();
    const backends = createSqliteBackends({ dataDir, rateLimitPerMinute: 600, tombstoneSeconds: 60 });
    const now = Date.now();
    const id = 'kz_' + 'b'.repeat(22);
    // A hint that differs from the value proves the store used it instead of serialising again.
    await backends.payloads.put({ id, tenant: 'acme', encoded: { a: 1 }, original: { b: 2 }, metadata: {}, meta: {}, createdAt: now, expiresAt: now + 60_000, json: { encoded: '{"a":10}', original: '{"b":20}' } });
    expect(await backends.payloads.get('acme', id, now)).toEqual({
      status: 'found',
      payload: { id, tenant: 'acme', encoded: { a: 10 }, original: { b: 20 }, metadata: {}, meta: {}, createdAt: now, expiresAt: now + 60_000 },
    });
    await backends.close();
  });

  it('keeps the log bounded under writes that never pause: the writer finishes what the checkpointer started', async () => {
    const rows = 3 * 3_000; // ~55 MB of rows, about 13,000 log frames
    const committer = (db: ReturnType<typeof openDatabase>) => {
      const insert = db.prepare('INSERT INTO payloads (id, tenant, encoded, original, metadata, meta, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      return db.transaction((first: number) => {
        for (let i = first; i < first + 3; i++) insert.run(`kz_${String(i).padStart(22, '0')}`, 'acme', '"k"', JSON.stringify('x'.repeat(6_000)), '{}', '{}', 0, 1);
      });
    };
    // Baseline measured in this run: the same writes with no checkpoint at all leave every
    // frame in the log. How far below it the bounded log stays depends on how much CPU the
    // checkpointer's thread gets, so the bound is a share of it, not a fixed size.
    const unboundedDir = tempDir();
    const unbounded = openDatabase(unboundedDir);
    unbounded.pragma('wal_autocheckpoint = 0');
    const commitUnbounded = committer(unbounded);
    for (let first = 0; first < rows; first += 3) commitUnbounded(first);
    const unboundedLog = statSync(join(unboundedDir, 'kaizen.db-wal')).size;
    unbounded.close();

    const dataDir = tempDir();
    const db = openDatabase(dataDir);
    // A 1 MiB reset threshold instead of 64 MiB, so a few MiB of writes show the log starting over.
    const checkpointer = startCheckpointer(db, db.name, { intervalMs: 5, resetAboveFrames: 256 });
    const commit = committer(db);
    const wal = join(dataDir, 'kaizen.db-wal');
    // Bytes 12-15 of the log's header count its restarts (SQLite's checkpoint sequence number).
    const restarts = () => {
      const fd = openSync(wal, 'r');
      const header = Buffer.alloc(16);
      readSync(fd, header, 0, 16, 0);
      closeSync(fd);
      return header.readUInt32BE(12);
    };
    let largestLog = 0;
    // The worker thread starts while the test goes on; on a loaded machine that took longer than
    // all the writes below, and the log then grew as if nothing checkpointed. Its first pass
    // copies this commit into the main file, so wait for the file to grow first.
    const mainFile = join(dataDir, 'kaizen.db');
    const emptySize = statSync(mainFile).size;
    commit(0);
    const startedBy = Date.now() + 20_000;
    while (statSync(mainFile).size <= emptySize) {
      if (Date.now() > startedBy) throw new Error('the checkpointer never copied the first commit into the main file');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const restartsBefore = restarts();
    for (let first = 3; first < rows; first += 3) {
      commit(first);
      largestLog = Math.max(largestLog, statSync(wal).size);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const restartsDuring = restarts() - restartsBefore;
    await checkpointer.close();
    // Without the finishing step the log never starts over and holds every frame written, as
    // the baseline does (about 120 MB); an idle machine stays near a quarter of it, a loaded one
    // (the checkpointer's thread starved) was seen at 53%.
    expect(restartsDuring).toBeGreaterThanOrEqual(2);
    expect(unboundedLog).toBeGreaterThan(100 * 1024 * 1024);
    expect(largestLog).toBeLessThan(unboundedLog * 0.75);
    expect((db.prepare('SELECT COUNT(*) AS n FROM payloads').get() as { n: number }).n).toBe(rows);
    db.close();
  });

  it('checkpoints from a worker while the server writes, and every payload reads back after close', async () => {
    const dataDir = tempDir();
    const backends = createSqliteBackends({ dataDir, rateLimitPerMinute: 600, tombstoneSeconds: 60 });
    const now = Date.now();
    const big = 'x'.repeat(6_000);
    const ids: string[] = [];
    for (let round = 0; round < 40; round++) {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) => {
          const id = `kz_${String(round * 25 + i).padStart(22, '0')}`;
          ids.push(id);
          return backends.payloads.put({ id, tenant: 'acme', encoded: big, original: { big }, metadata: {}, meta: {}, createdAt: now, expiresAt: now + 60_000 });
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // ~12 MB committed. The request connection never checkpoints (wal_autocheckpoint=0), so
    // pages in the main file before close can only come from the worker's checkpoints. How soon
    // they get there depends on how much CPU the worker's thread gets, so wait for them rather
    // than a fixed time, up to a bound no busy machine reaches.
    const mainFile = join(dataDir, 'kaizen.db');
    await waitFor("the worker's checkpoints in the main file", () => statSync(mainFile).size > 8 * 1024 * 1024, 20_000).catch(() => {});
    expect(statSync(mainFile).size).toBeGreaterThan(8 * 1024 * 1024);
    await backends.close();
    const db = new Database(join(dataDir, 'kaizen.db'), { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM payloads').get() as { n: number }).n).toBe(ids.length);
    db.close();
  });
});
