/**
 * Chooses the backend family: Redis when `redisUrl` is set (a fleet sharing state), else the
 * embedded SQLite database in `dataDir`.
 */
import type { BackendOptions, Backends, KeyStore } from './types.js';
import { createSqliteBackends, openSqliteKeyStore } from './sqlite/index.js';

/** Imported only when asked for, so the embedded server never loads the Redis client. */
const loadRedis = () => import('./redis/index.js');

/** The backends for a configuration. */
export async function createBackends(options: BackendOptions): Promise<Backends> {
  if (options.redisUrl) return (await loadRedis()).createRedisBackends(options);
  return createSqliteBackends(options);
}

/** Only the key store (the `kaizen keys` commands). */
export async function openKeyStore(options: { dataDir: string; redisUrl?: string | undefined }): Promise<KeyStore> {
  if (options.redisUrl) return (await loadRedis()).openRedisKeyStore(options.redisUrl);
  return openSqliteKeyStore(options.dataDir);
}
