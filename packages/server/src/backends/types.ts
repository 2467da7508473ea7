/**
 * Backend contracts of the server. Each has an SQLite implementation (embedded default,
 * backends/sqlite) and a Redis one (fleet, backends/redis); the app depends only on these.
 */
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
  /** The active record for a presented key (constant-time hash comparison), or null. */
  verify(key: string): Promise<ApiKeyRecord | null>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Thrown by a backend whose engine is unreachable; the app answers 503 with Retry-After. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}
