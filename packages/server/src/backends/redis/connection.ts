/**
 * The shared ioredis connection of the Redis backends, configured so that a Redis outage
 * surfaces within a bounded time as BackendUnavailableError (the app answers 503 with
 * Retry-After) instead of hanging requests or queueing writes that might never happen.
 */
import { Cluster, Redis } from 'ioredis';
import { BackendUnavailableError } from '../types.js';

/** A standalone client or a cluster client; both speak the commands the backends use. */
export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  /** `redis://[:password@]host:port[/db]`, `rediss://` for TLS; several comma-separated URLs mean Redis Cluster seed nodes. */
  url: string;
  /** How long to wait for a TCP connection (and for the first connection at startup). Default 2000 ms. */
  connectTimeoutMs?: number;
  /** How long any single command may take before it fails. Default 2000 ms. */
  commandTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

/** `redis://user:secret@host` -> `redis://user:***@host`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/(\/\/[^:@/]*:)[^@/]*@/g, '$1***@');
}

/** Connects and waits until Redis answers; rejects with BackendUnavailableError when it cannot within the connect timeout. */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisClient> {
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const common = {
    connectTimeout,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    // Fail a command after one retry on a broken connection rather than waiting for Redis.
    maxRetriesPerRequest: 1,
    // While disconnected, commands fail at once (503) instead of piling up in memory.
    enableOfflineQueue: false,
    lazyConnect: true,
  } as const;
  // Keep reconnecting in the background (capped backoff) so the fleet heals when Redis returns.
  const retryStrategy = (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 5), 1_000);
  const urls = options.url.split(',').map((part) => part.trim()).filter(Boolean);
  let client: RedisClient;
  if (urls.length > 1) {
    const nodes = urls.map((url) => {
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    });
    const first = new URL(urls[0]!);
    client = new Cluster(nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: retryStrategy,
      redisOptions: {
        ...common,
        ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
        ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
        ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    });
  } else {
    client = new Redis(urls[0] ?? 'redis://127.0.0.1:6379', { ...common, retryStrategy });
  }
  // ioredis reports connection trouble as 'error' events; commands already fail fast, and an
  // unhandled 'error' event would crash the process.
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeout} ms`)), connectTimeout);
      }),
    ]);
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new BackendUnavailableError(`cannot reach Redis at ${redactRedisUrl(options.url)}: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/**
 * Runs one Redis operation; any failure (connection refused or lost, timeout, LOADING,
 * READONLY during failover, ...) becomes BackendUnavailableError so the app answers 503.
 */
export async function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BackendUnavailableError) throw error;
    throw new BackendUnavailableError(`Redis ${operation} failed: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  return redactRedisUrl(error instanceof Error ? error.message : String(error));
}

/**
 * Closes a connection politely (QUIT lets in-flight replies arrive), falling back to a hard
 * disconnect when Redis is gone.
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  try {
    await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  } catch {
    // Already gone.
  } finally {
    client.disconnect();
  }
}
