/**
 * Client configuration: the options, their defaults, and `fromEnv` parsing. Times are in
 * seconds everywhere in the public API (as `KAIZEN_TIMEOUT`), milliseconds only inside.
 */
import { KaizenError } from './errors.js';
import type { ResponseCacheOptions } from './internal/cache.js';
import { isLogLevel, type KaizenLogger, type LogLevel } from './internal/log.js';
import type { KaizenRequestHook, KaizenResponseHook } from './hooks.js';

/** A self-hosted `kaizen serve` on this machine (nothing leaves it unless a URL says so). */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8787/';
/** Seconds per attempt. */
export const DEFAULT_TIMEOUT = 30;
/** Retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 2;
/** Longest server-requested wait (Retry-After) the client honours, seconds. */
export const DEFAULT_MAX_RETRY_AFTER = 60;

/** Options of `new KaizenClient(config)`. Every field is optional. */
export interface KaizenClientConfig {
  /** API root, default `http://127.0.0.1:8787/` (a self-hosted `kaizen serve`). A path prefix (`https://host/kaizen/`) is kept. */
  baseUrl?: string;
  /** Sent as `x-api-key` and as `Authorization: Bearer`. */
  apiKey?: string;
  /** Seconds one attempt may take, response body included (default 30). */
  timeout?: number;
  /** Seconds to establish the TCP/TLS connection. Node only (needs `undici`); ignored in browsers. */
  connectTimeout?: number;
  /** `false` accepts any TLS certificate. Node only; ignored in browsers. */
  verifySsl?: boolean;
  /** Extra trusted CA certificate(s), PEM. Node only; ignored in browsers. */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  /** HTTP(S) proxy URL (`fromEnv` also reads `HTTPS_PROXY`/`HTTP_PROXY`). Node only; ignored in browsers. */
  proxy?: string;
  /** Most sockets per origin. Node only; ignored in browsers. */
  maxConnections?: number;
  /** Headers sent with every request (per-call `headers` override them). */
  defaultHeaders?: Record<string, string>;
  /** Retries after the first attempt (default 2). 0 disables retrying. */
  maxRetries?: number;
  /** Backoff tuning, seconds: first delay ceiling (0.5), largest delay (8), longest Retry-After honoured (60). */
  retry?: { baseDelay?: number; maxDelay?: number; maxRetryAfter?: number };
  /** Any WHATWG fetch (default: the global one). */
  fetch?: typeof fetch;
  /** Where log lines go (default `console`). */
  logger?: KaizenLogger;
  /** `off`, `error`, `warn` (default), `info` (retries) or `debug` (every request, headers redacted). */
  logLevel?: LogLevel;
  /** Called before every attempt (metrics, tracing). */
  onRequest?: KaizenRequestHook;
  /** Called after every attempt with its status or error and duration. */
  onResponse?: KaizenResponseHook;
  /** Cache identical `compress`, `optimize` and `optimizeRequest` calls (LRU). `true` uses defaults. */
  cache?: boolean | ResponseCacheOptions;
}

/** Environment variables as a plain record (works where `process` does not exist). */
export type Env = Record<string, string | undefined>;

function processEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

/**
 * Reads `KAIZEN_BASE_URL`, `KAIZEN_API_KEY`, `KAIZEN_TIMEOUT`, `KAIZEN_CONNECT_TIMEOUT`,
 * `KAIZEN_MAX_RETRIES`, `KAIZEN_LOG` and the proxy variables into a config.
 * Invalid values throw a KaizenError naming the variable.
 */
export function configFromEnv(env: Env = processEnv()): KaizenClientConfig {
  const config: KaizenClientConfig = { baseUrl: nonEmpty(env.KAIZEN_BASE_URL) ?? DEFAULT_BASE_URL };
  const apiKey = nonEmpty(env.KAIZEN_API_KEY);
  if (apiKey) config.apiKey = apiKey;
  const timeout = envNumber(env, 'KAIZEN_TIMEOUT', { min: 0, exclusive: true });
  if (timeout !== undefined) config.timeout = timeout;
  const connectTimeout = envNumber(env, 'KAIZEN_CONNECT_TIMEOUT', { min: 0, exclusive: true });
  if (connectTimeout !== undefined) config.connectTimeout = connectTimeout;
  const maxRetries = envNumber(env, 'KAIZEN_MAX_RETRIES', { min: 0, integer: true });
  if (maxRetries !== undefined) config.maxRetries = maxRetries;
  const level = nonEmpty(env.KAIZEN_LOG)?.toLowerCase();
  if (level !== undefined) {
    if (!isLogLevel(level)) throw new KaizenError(`KAIZEN_LOG must be one of off, error, warn, info, debug (got "${env.KAIZEN_LOG}")`);
    config.logLevel = level;
  }
  const proxy = proxyFromEnv(config.baseUrl!, env);
  if (proxy) config.proxy = proxy;
  return config;
}

/** Hosts on this machine: a proxy elsewhere cannot reach them, so HTTP(S)_PROXY never applies. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The proxy the environment asks for `baseUrl`, honouring `NO_PROXY` (host suffixes, `*`).
 * Loopback URLs (the default, a local `kaizen serve`) are never proxied.
 */
export function proxyFromEnv(baseUrl: string, env: Env): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (LOOPBACK.test(url.hostname)) return undefined;
  const proxy = url.protocol === 'https:' ? nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy) : nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy);
  if (!proxy) return undefined;
  const noProxy = (nonEmpty(env.NO_PROXY) ?? nonEmpty(env.no_proxy) ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const host = url.hostname.toLowerCase();
  for (const entry of noProxy) {
    if (entry === '*') return undefined;
    const bare = entry.replace(/^\*?\./, '').replace(/:\d+$/, '');
    if (host === bare || host.endsWith(`.${bare}`)) return undefined;
  }
  return proxy;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function envNumber(env: Env, name: string, rule: { min: number; exclusive?: boolean; integer?: boolean }): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const ok = Number.isFinite(value) && (rule.exclusive ? value > rule.min : value >= rule.min) && (!rule.integer || Number.isInteger(value));
  if (!ok) {
    const what = rule.integer ? 'a whole number' : 'a number of seconds';
    throw new KaizenError(`${name} must be ${what} ${rule.exclusive ? 'greater than' : 'of at least'} ${rule.min} (got "${raw}")`);
  }
  return value;
}

/** Checks the numeric options of a config; throws a KaizenError naming the bad one. */
export function assertValidConfig(config: KaizenClientConfig): void {
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new KaizenError(`${name} must be a positive number of seconds (got ${value})`);
  };
  positive('timeout', config.timeout);
  positive('connectTimeout', config.connectTimeout);
  if (config.maxRetries !== undefined && !(Number.isInteger(config.maxRetries) && config.maxRetries >= 0)) {
    throw new KaizenError(`maxRetries must be a whole number >= 0 (got ${config.maxRetries})`);
  }
  if (config.maxConnections !== undefined && !(Number.isInteger(config.maxConnections) && config.maxConnections > 0)) {
    throw new KaizenError(`maxConnections must be a whole number > 0 (got ${config.maxConnections})`);
  }
  if (config.logLevel !== undefined && !isLogLevel(config.logLevel)) throw new KaizenError(`logLevel must be one of off, error, warn, info, debug (got ${String(config.logLevel)})`);
  if (config.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(config.baseUrl);
    } catch {
      throw new KaizenError(`baseUrl must be an absolute http(s) URL (got "${config.baseUrl}")`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new KaizenError(`baseUrl must use http or https (got "${config.baseUrl}")`);
  }
}
