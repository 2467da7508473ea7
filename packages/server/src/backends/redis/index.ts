/**
 * The Redis backends of a fleet: payload store, rate limiter and API keys on one shared
 * connection. `createBackends(config)` (backends/index.ts) imports this module only when a
 * Redis URL is configured, so single-process installs never load ioredis.
 */
import type { Backends, KeyStore } from '../types.js';
import { closeRedis, connectRedis, guarded, type RedisClient } from './connection.js';
import { RedisKeyStore } from './key-store.js';
import { Keyspace } from './keyspace.js';
import { RedisPayloadStore } from './payload-store.js';
import { RedisRateLimiter } from './rate-limiter.js';

export { RedisPayloadStore, type RedisPayloadStoreOptions } from './payload-store.js';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './rate-limiter.js';
export { RedisKeyStore } from './key-store.js';
export { Keyspace } from './keyspace.js';
export { LuaScript } from './script.js';
export { connectRedis, redactRedisUrl, type RedisClient, type RedisConnectionOptions } from './connection.js';

/** The part of the server configuration (BackendOptions and the Redis knobs) the Redis backends read. */
export interface RedisBackendsConfig {
  /** `redis://host:port`, `rediss://...` (TLS), or comma-separated Cluster seed URLs. */
  redisUrl?: string | undefined;
  /** Requests per minute per tenant. Default 600. */
  rateLimitPerMinute?: number;
  /** Seconds an expired payload id answers 410 before it answers 404. Default 7 days. */
  tombstoneSeconds?: number;
  /** Prefix of every key, to share one Redis between deployments. Default `kz:`. */
  redisKeyPrefix?: string;
  /** Connect timeout in ms. Default 2000. */
  redisConnectTimeoutMs?: number;
  /** Per-command timeout in ms; past it the request answers 503. Default 2000. */
  redisCommandTimeoutMs?: number;
  /** Replicas that must acknowledge each stored payload (WAIT). Default 0. */
  redisWaitReplicas?: number;
}

/** The three backends on one Redis connection; `close()` releases it. */
export interface RedisBackends extends Backends {
  kind: 'redis';
  /** Round-trip to Redis (for readiness checks); throws BackendUnavailableError when it is down. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The underlying client (tests, admin tools). */
  readonly redis: RedisClient;
}

/** Environment variables of the Redis-only knobs (explicit configuration wins). */
export const REDIS_ENV_VARS = {
  redisKeyPrefix: 'KAIZEN_REDIS_PREFIX',
  redisConnectTimeoutMs: 'KAIZEN_REDIS_CONNECT_TIMEOUT_MS',
  redisCommandTimeoutMs: 'KAIZEN_REDIS_COMMAND_TIMEOUT_MS',
  redisWaitReplicas: 'KAIZEN_REDIS_WAIT_REPLICAS',
} as const;

function knob(config: RedisBackendsConfig, name: keyof typeof REDIS_ENV_VARS, env: NodeJS.ProcessEnv): string | undefined {
  const value = config[name] ?? env[REDIS_ENV_VARS[name]];
  return value === undefined || value === '' ? undefined : String(value);
}

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got "${raw}".`);
  return value;
}

/** Connects to Redis (failing fast with BackendUnavailableError when unreachable) and builds the backends. */
export async function createRedisBackends(config: RedisBackendsConfig, env: NodeJS.ProcessEnv = process.env): Promise<RedisBackends> {
  if (!config.redisUrl) throw new TypeError('createRedisBackends needs redisUrl (--redis or KAIZEN_REDIS_URL)');
  const redis = await connectRedis({
    url: config.redisUrl,
    connectTimeoutMs: count(REDIS_ENV_VARS.redisConnectTimeoutMs, knob(config, 'redisConnectTimeoutMs', env), 2_000),
    commandTimeoutMs: count(REDIS_ENV_VARS.redisCommandTimeoutMs, knob(config, 'redisCommandTimeoutMs', env), 2_000),
  });
  const keyspace = new Keyspace(knob(config, 'redisKeyPrefix', env) ?? 'kz:');
  const waitReplicas = count(REDIS_ENV_VARS.redisWaitReplicas, knob(config, 'redisWaitReplicas', env), 0);
  // Each component's close() releases its share; the connection goes when the last one does.
  let open = 3;
  let closed: Promise<void> | undefined;
  const closeAll = () => (closed ??= closeRedis(redis));
  const release = async () => {
    if (--open === 0) await closeAll();
  };
  const withRelease = <T extends { close(): Promise<void> }>(component: T): T => {
    let released = false;
    component.close = async () => {
      if (released) return;
      released = true;
      await release();
    };
    return component;
  };
  return {
    kind: 'redis',
    redis,
    payloads: withRelease(
      new RedisPayloadStore(redis, {
        keyspace,
        ...(config.tombstoneSeconds !== undefined ? { tombstoneSeconds: config.tombstoneSeconds } : {}),
        waitReplicas,
      }),
    ),
    rateLimiter: withRelease(new RedisRateLimiter(redis, { limit: config.rateLimitPerMinute ?? 600, keyspace })),
    keys: withRelease(new RedisKeyStore(redis, keyspace)),
    ping: async () => {
      await guarded('ping', () => redis.ping());
    },
    close: closeAll,
  };
}

/** Only the key store (`kaizen keys ... --redis URL`); its close() closes the connection. */
export async function openRedisKeyStore(redisUrl: string): Promise<KeyStore> {
  const backends = await createRedisBackends({ redisUrl });
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
