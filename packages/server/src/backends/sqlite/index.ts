/** The embedded backends: payloads and keys in one SQLite file, rate limiting in process. */
import { MemoryRateLimiter } from '../memory-rate-limiter.js';
import type { BackendOptions, Backends } from '../types.js';
import { startCheckpointer } from './checkpointer.js';
import { openDatabase } from './db.js';
import { SqliteKeyStore } from './key-store.js';
import { SqlitePayloadStore } from './payload-store.js';

export { SqlitePayloadStore } from './payload-store.js';
export { SqliteKeyStore } from './key-store.js';
export { openDatabase } from './db.js';

/** Opens `<dataDir>/kaizen.db` and returns the three backends over it. */
export function createSqliteBackends(options: BackendOptions): Backends & { payloads: SqlitePayloadStore } {
  const db = openDatabase(options.dataDir, options.sqliteSynchronous);
  const checkpointer = startCheckpointer(db, db.name);
  const payloads = new SqlitePayloadStore(db, { tombstoneSeconds: options.tombstoneSeconds });
  const keys = new SqliteKeyStore(db);
  const rateLimiter = new MemoryRateLimiter(options.rateLimitPerMinute);
  let closed = false;
  return {
    kind: 'sqlite',
    payloads,
    keys,
    rateLimiter,
    async close() {
      if (closed) return;
      closed = true;
      await payloads.close();
      await rateLimiter.close();
      await keys.close();
      await checkpointer.close();
      db.close();
    },
  };
}

/** Only the key store (for `kaizen keys ...`: no sweeper, no rate limiter). */
export function openSqliteKeyStore(dataDir: string): SqliteKeyStore & { close(): Promise<void> } {
  const db = openDatabase(dataDir);
  const store = new SqliteKeyStore(db);
  store.close = async () => {
    db.close();
  };
  return store;
}
