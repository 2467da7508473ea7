/**
 * Server configuration: defaults, environment variables, explicit overrides (CLI flags), in
 * increasing precedence. Every setting has one environment variable.
 */
import type { DestinationStream } from 'pino';
import type { BackendOptions } from './backends/types.js';
import { DEFAULT_MAX_COLUMNS, DEFAULT_MAX_KEYS, DEFAULT_MAX_METADATA_BYTES } from '@kaizen/core';
import { SERVER_VERSION } from './version.js';
import { GATEWAY_DEFAULTS, GATEWAY_ENV_VARS, validateGatewayConfig, type GatewayConfig } from './gateway/config.js';

export interface ServerConfig extends BackendOptions, GatewayConfig {
  port: number;
  host: string;
  /** Requests larger than this answer 413 (checked before the body is read). */
  maxBodyBytes: number;
  /** Retention of stored payloads, seconds. */
  payloadTtlSeconds: number;
  /** Let keyless requests from loopback addresses in as tenant "local" (development). */
  anonymousLoopback: boolean;
  /** Browser origins allowed by CORS (`*` for any); empty: no CORS headers. */
  corsOrigins: string[];
  logLevel: string;
  /** Reported by health and /openapi.json. */
  version: string;
  /** A slow client must send its headers within this (ms). */
  headersTimeoutMs: number;
  /** ...and its whole request within this (ms). */
  requestTimeoutMs: number;
  /** On shutdown, how long in-flight requests may take before connections are cut (ms). */
  shutdownGraceMs: number;
  /** Requests whose body bytes times token models exceed this are encoded, counted and decoded on a worker thread, off the event loop. */
  workerAboveBytes: number;
  /** Most columns one KTOF table header may list (nested groups included); wider ones are a 400. */
  maxColumns: number;
  /** Most keys one object may hold, in request JSON and in decoded KTOF; larger ones are a 400. */
  maxKeys: number;
  /** Most bytes of `metadata` / `replay_meta` (compact JSON) a request may ask the store to keep; more is a 413. */
  maxMetadataBytes: number;
  /** Wrong API keys one client address may send per minute before its requests answer 429. */
  authFailuresPerMinute: number;
  /** Where logs go (default stdout). Tests capture them here. */
  logDestination?: DestinationStream;
  /** Clock (epoch ms) for payload retention; tests shorten time with it. */
  now?: () => number;
  /** Extra knobs a backend family reads (e.g. redisKeyPrefix). */
  [backendKnob: string]: unknown;
}

export const DEFAULT_CONFIG: Readonly<ServerConfig> = {
  port: 8787,
  host: '127.0.0.1',
  dataDir: './data',
  rateLimitPerMinute: 600,
  maxBodyBytes: 4 * 1024 * 1024,
  payloadTtlSeconds: 86_400,
  tombstoneSeconds: 7 * 86_400,
  anonymousLoopback: false,
  corsOrigins: [],
  logLevel: 'info',
  version: SERVER_VERSION,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  shutdownGraceMs: 10_000,
  workerAboveBytes: 64 * 1024,
  maxColumns: DEFAULT_MAX_COLUMNS,
  maxKeys: DEFAULT_MAX_KEYS,
  maxMetadataBytes: DEFAULT_MAX_METADATA_BYTES,
  authFailuresPerMinute: 30,
  sqliteSynchronous: 'normal',
  ...GATEWAY_DEFAULTS,
};

/** Environment variable of each setting (documented in the README configuration table). */
export const ENV_VARS = {
  port: 'PORT',
  host: 'KAIZEN_HOST',
  dataDir: 'KAIZEN_DATA_DIR',
  rateLimitPerMinute: 'KAIZEN_RATE_LIMIT',
  maxBodyBytes: 'KAIZEN_MAX_BODY_BYTES',
  payloadTtlSeconds: 'KAIZEN_PAYLOAD_TTL',
  tombstoneSeconds: 'KAIZEN_TOMBSTONE_TTL',
  redisUrl: 'KAIZEN_REDIS_URL',
  anonymousLoopback: 'KAIZEN_ANONYMOUS_LOOPBACK',
  corsOrigins: 'KAIZEN_CORS_ORIGINS',
  logLevel: 'KAIZEN_LOG_LEVEL',
  sqliteSynchronous: 'KAIZEN_SQLITE_SYNCHRONOUS',
  headersTimeoutMs: 'KAIZEN_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'KAIZEN_REQUEST_TIMEOUT_MS',
  shutdownGraceMs: 'KAIZEN_SHUTDOWN_GRACE_MS',
  workerAboveBytes: 'KAIZEN_WORKER_ABOVE_BYTES',
  maxColumns: 'KAIZEN_MAX_COLUMNS',
  maxKeys: 'KAIZEN_MAX_KEYS',
  maxMetadataBytes: 'KAIZEN_MAX_METADATA_BYTES',
  authFailuresPerMinute: 'KAIZEN_AUTH_FAILURE_LIMIT',
  ...GATEWAY_ENV_VARS,
} as const;

/** A configuration error: the message says which setting and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(name: string, raw: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${String(raw)}".`);
  return value;
}

function boolean(name: string, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = String(raw).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${String(raw)}".`);
}

/** `https://app.example.com,http://localhost:5173` or `*`: origins as the browser sends them. */
function origins(name: string, raw: unknown): string[] {
  const list = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) throw new ConfigError(`${name} takes origins like https://app.example.com (scheme, host, optional port; no path) or *, got "${origin}".`);
  }
  return list;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Checks and normalises a full configuration. */
export function validateConfig(config: ServerConfig): ServerConfig {
  const out: ServerConfig = { ...config };
  out.port = integer('port (--port / PORT)', config.port, 0, 65_535);
  out.rateLimitPerMinute = integer('rate limit (--rate-limit / KAIZEN_RATE_LIMIT)', config.rateLimitPerMinute, 1);
  out.maxBodyBytes = integer('max body (--max-body / KAIZEN_MAX_BODY_BYTES)', config.maxBodyBytes, 1);
  out.payloadTtlSeconds = integer('payload TTL (--payload-ttl / KAIZEN_PAYLOAD_TTL)', config.payloadTtlSeconds, 1);
  out.tombstoneSeconds = integer('tombstone TTL (KAIZEN_TOMBSTONE_TTL)', config.tombstoneSeconds, 0);
  out.headersTimeoutMs = integer('headers timeout (KAIZEN_HEADERS_TIMEOUT_MS)', config.headersTimeoutMs, 100);
  out.requestTimeoutMs = integer('request timeout (KAIZEN_REQUEST_TIMEOUT_MS)', config.requestTimeoutMs, 100);
  out.shutdownGraceMs = integer('shutdown grace (KAIZEN_SHUTDOWN_GRACE_MS)', config.shutdownGraceMs, 0);
  out.workerAboveBytes = integer('worker threshold (KAIZEN_WORKER_ABOVE_BYTES)', config.workerAboveBytes, 0);
  out.maxColumns = integer('columns per table header (KAIZEN_MAX_COLUMNS)', config.maxColumns, 1);
  out.maxKeys = integer('keys per object (KAIZEN_MAX_KEYS)', config.maxKeys, 1);
  out.maxMetadataBytes = integer('metadata size (KAIZEN_MAX_METADATA_BYTES)', config.maxMetadataBytes, 2);
  out.authFailuresPerMinute = integer('failed authentications per address (KAIZEN_AUTH_FAILURE_LIMIT)', config.authFailuresPerMinute, 1);
  out.anonymousLoopback = boolean('anonymous loopback (--anonymous-loopback / KAIZEN_ANONYMOUS_LOOPBACK)', config.anonymousLoopback);
  out.corsOrigins = origins('CORS origins (--cors-origin / KAIZEN_CORS_ORIGINS)', config.corsOrigins);
  if (!LOG_LEVELS.includes(String(config.logLevel))) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${String(config.logLevel)}".`);
  if (config.sqliteSynchronous !== undefined && config.sqliteSynchronous !== 'full' && config.sqliteSynchronous !== 'normal')
    throw new ConfigError(`KAIZEN_SQLITE_SYNCHRONOUS must be "full" or "normal", got "${String(config.sqliteSynchronous)}".`);
  validateGatewayConfig(out, { integer, boolean, fail: (message) => { throw new ConfigError(message); } });
  if (!out.redisUrl) delete out.redisUrl;
  return out;
}

/** Defaults < environment < overrides (e.g. CLI flags; undefined entries are ignored). */
export function loadConfig(overrides: Partial<ServerConfig> = {}, env: Record<string, string | undefined> = process.env): ServerConfig {
  const fromEnv: Partial<ServerConfig> = {};
  for (const [key, variable] of Object.entries(ENV_VARS)) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '') (fromEnv as Record<string, unknown>)[key] = raw;
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return validateConfig({ ...DEFAULT_CONFIG, ...fromEnv, ...defined } as ServerConfig);
}
