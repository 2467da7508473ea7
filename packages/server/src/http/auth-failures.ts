/**
 * Failed authentication limited per client address: a client guessing keys gets `limit` wrong
 * tries a minute (a token bucket, refilling), then 429 with Retry-After until its bucket has a
 * token again, without its keys being checked. Addresses are this process's view (a fleet
 * behind one proxy shares the proxy's address; each replica counts on its own).
 */
import { MemoryRateLimiter } from '../backends/memory-rate-limiter.js';
import { RateLimited } from './rate-limit.js';

export class AuthFailureLimiter {
  readonly #buckets: MemoryRateLimiter;
  readonly #blockedUntil = new Map<string, number>();

  constructor(readonly limitPerMinute: number) {
    this.#buckets = new MemoryRateLimiter(limitPerMinute);
  }

  /** Throws a 429 while `address` is refused. */
  check(address: string, now: number): void {
    const until = this.#blockedUntil.get(address);
    if (until === undefined) return;
    if (until > now) throw this.#refusal(Math.ceil((until - now) / 1000));
    this.#blockedUntil.delete(address);
  }

  /** Counts one failure of `address`; throws the 429 once it has used up its tries. */
  failed(address: string, now: number): void {
    const decision = this.#buckets.takeSync(address, now);
    if (decision.allowed) return;
    if (this.#blockedUntil.size >= 100_000) this.#prune(now);
    this.#blockedUntil.set(address, now + decision.retryAfterSeconds * 1000);
    throw this.#refusal(decision.retryAfterSeconds);
  }

  #refusal(retryAfter: number): RateLimited {
    return new RateLimited({ 'retry-after': String(retryAfter) }, retryAfter, `Too many failed authentication attempts from this address; retry in ${retryAfter} s with a valid key.`);
  }

  #prune(now: number): void {
    for (const [address, until] of this.#blockedUntil) if (until <= now) this.#blockedUntil.delete(address);
  }
}
