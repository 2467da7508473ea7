/**
 * Backend contracts of the server. Each has an SQLite implementation (embedded default,
 * backends/sqlite) and a Redis one (fleet, backends/redis); the app depends only on these.
 */
import type { PayloadStore } from '@kaizen/core';
export type { PayloadStore, StoredPayload, PayloadLookup, PayloadReplay } from '@kaizen/core';

export interface RateDecision {
  allowed: boolean;
  /** Requests per window (per minute). */
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds to wait before retrying when not allowed (Retry-After). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Takes one token from the tenant's bucket. */
  take(tenant: string, now?: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export interface ApiKeyRecord {
  /** Public id of the key (safe to print and to revoke by). */
  id: string;
  tenant: string;
  /** First characters of the key, for recognising it in lists. Never the whole key. */
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface KeyStore {
  /** Creates a key; the plaintext is returned once and only its hash is stored. */
  create(tenant: string): Promise<{ key: string; record: ApiKeyRecord }>;
  list(): Promise<ApiKeyRecord[]>;
  /** Revokes by id or by the full key; false when nothing matched. */
  revoke(idOrKey: string): Promise<boolean>;
  /**
   * The record of a presented key (constant-time hash comparison), or null when unknown.
   * A revoked key's record is returned too (with `revokedAt` set) so the app can answer 403
   * instead of 401.
   */
  verify(key: string): Promise<ApiKeyRecord | null>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Thrown by a backend whose engine is unreachable; the app answers 503 with Retry-After. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  /** What the app reads to answer 503, also on errors from another copy of this package. */
  readonly code = BACKEND_UNAVAILABLE;
}

/** The `code` of every BackendUnavailableError. */
export const BACKEND_UNAVAILABLE = 'backend_unavailable';

/** True for a BackendUnavailableError, this package's or another copy's (by its `code`). */
export function isBackendUnavailable(error: unknown): boolean {
  return error instanceof BackendUnavailableError || (error instanceof Error && (error as { code?: unknown }).code === BACKEND_UNAVAILABLE);
}

/** What a backend family needs to start (a subset of the server configuration). */
export interface BackendOptions {
  /** Directory of the embedded SQLite database (`kaizen.db`). */
  dataDir: string;
  /** When set, the Redis backends are used instead of SQLite. */
  redisUrl?: string | undefined;
  /** Requests per minute per tenant. */
  rateLimitPerMinute: number;
  /** How long an expired payload id keeps answering 410 before it answers 404. */
  tombstoneSeconds: number;
  /** SQLite only: "normal" (default) survives any crash of the process; "full" also fsyncs every commit, surviving power loss. */
  sqliteSynchronous?: 'full' | 'normal';
}

/** The three backends the app runs on, from one family. */
export interface Backends {
  /** "sqlite" or "redis": reported by health. */
  kind: string;
  payloads: PayloadStore;
  rateLimiter: RateLimiter;
  keys: KeyStore;
  /** Closes all three (idempotent). */
  close(): Promise<void>;
}
