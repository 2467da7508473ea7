/**
 * A token-bucket RateLimiter in process memory: each tenant's bucket holds `limit` tokens
 * and refills at `limit` per minute. Used with the embedded SQLite backends, where one
 * process serves the data directory (a fleet shares buckets through Redis instead).
 * Buckets are not persisted: a restart refills them, which only ever errs towards allowing.
 */
import type { RateDecision, RateLimiter } from './types.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #limit: number;
  readonly #perMs: number;
  #takes = 0;

  constructor(limitPerMinute: number) {
    this.#limit = Math.max(1, Math.floor(limitPerMinute));
    this.#perMs = this.#limit / 60_000;
  }

  async take(tenant: string, now = Date.now()): Promise<RateDecision> {
    return this.takeSync(tenant, now);
  }

  /** Synchronous take (the embedded server's hot path). */
  takeSync(tenant: string, now = Date.now()): RateDecision {
    let bucket = this.#buckets.get(tenant);
    if (!bucket) {
      bucket = { tokens: this.#limit, updatedAt: now };
      this.#buckets.set(tenant, bucket);
      if (++this.#takes % 4096 === 0) this.#prune(now);
    } else {
      bucket.tokens = Math.min(this.#limit, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
      bucket.updatedAt = now;
    }
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return {
      allowed,
      limit: this.#limit,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((this.#limit - bucket.tokens) / this.#perMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)),
    };
  }

  async close(): Promise<void> {
    this.#buckets.clear();
  }

  /** Forgets buckets that have refilled completely (they are equivalent to new ones). */
  #prune(now: number): void {
    for (const [tenant, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.#perMs >= this.#limit) this.#buckets.delete(tenant);
    }
  }
}
