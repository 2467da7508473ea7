/**
 * Chooses the backend family: Redis when `redisUrl` is set (a fleet sharing state), else the
 * embedded SQLite database in `dataDir`.
 */
import type { BackendOptions, Backends, KeyStore } from './types.js';
import { createSqliteBackends, openSqliteKeyStore } from './sqlite/index.js';

interface RedisModule {
  createRedisBackends(options: BackendOptions): Promise<Backends> | Backends;
  openRedisKeyStore?(redisUrl: string): Promise<KeyStore> | KeyStore;
}

async function loadRedis(): Promise<RedisModule> {
  // Imported only when asked for, so the embedded server never loads the Redis client.
  return (await import('./redis/index.js')) as unknown as RedisModule;
}

/** The backends for a configuration. */
export async function createBackends(options: BackendOptions): Promise<Backends> {
  if (options.redisUrl) return (await loadRedis()).createRedisBackends(options);
  return createSqliteBackends(options);
}

/** Only the key store (the `kaizen keys` commands). */
export async function openKeyStore(options: { dataDir: string; redisUrl?: string | undefined }): Promise<KeyStore> {
  if (options.redisUrl) {
    const redis = await loadRedis();
    if (redis.openRedisKeyStore) return redis.openRedisKeyStore(options.redisUrl);
    const backends = await redis.createRedisBackends({ dataDir: options.dataDir, redisUrl: options.redisUrl, rateLimitPerMinute: 600, tombstoneSeconds: 0 });
    const { keys } = backends;
    return {
      create: (tenant) => keys.create(tenant),
      list: () => keys.list(),
      revoke: (idOrKey) => keys.revoke(idOrKey),
      verify: (key) => keys.verify(key),
      count: () => keys.count(),
      close: () => backends.close(),
    };
  }
  return openSqliteKeyStore(options.dataDir);
}
