/**
 * RateLimiter on Redis: one token bucket per tenant, updated atomically by a Lua script on
 * Redis's own clock, so every replica draws from the same bucket and their clocks do not matter.
 * The bucket holds `limit` tokens and refills at `limit` per minute.
 */
import type { RateDecision, RateLimiter } from '../types.js';
import { guarded, type RedisClient } from './connection.js';
import { Keyspace } from './keyspace.js';
import { LuaScript } from './script.js';

// KEYS[1] bucket hash {tokens, ts}; ARGV: capacity, refill per ms, now in ms (empty: Redis TIME).
// Returns {allowed 0|1, tokens left (string: keeps the fraction), ms until full}.
const TAKE = new LuaScript(`
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if not tokens or not ts then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * refill)
  ts = now
end
local allowed = 0
-- The epsilon absorbs floating-point drift from many partial refills.
if tokens >= 1 - 1e-9 then
  tokens = tokens - 1
  allowed = 1
end
if tokens < 0 then tokens = 0 end
local until_full = math.ceil((capacity - tokens) / refill)
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%d', ts))
redis.call('PEXPIRE', KEYS[1], until_full + 1000)
return {allowed, string.format('%.17g', tokens), until_full}
`);

export interface RedisRateLimiterOptions {
  /** Requests per minute per tenant (at least 1). */
  limit: number;
  keyspace?: Keyspace;
}

/** Redis implementation of the rate limiter contract (shared by every replica). */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisClient;
  readonly #keys: Keyspace;
  readonly #limit: number;

  constructor(redis: RedisClient, options: RedisRateLimiterOptions) {
    this.#redis = redis;
    this.#keys = options.keyspace ?? new Keyspace();
    this.#limit = Math.max(1, Math.floor(options.limit));
  }

  /** Takes one token; `now` (epoch ms) overrides Redis's clock, for tests. */
  async take(tenant: string, now?: number): Promise<RateDecision> {
    const limit = this.#limit;
    const refillPerMs = limit / 60_000;
    const reply = (await guarded('rate limit', () =>
      TAKE.run(this.#redis, [this.#keys.rateBucket(tenant)], [limit, refillPerMs, now ?? '']),
    )) as [number, string, number];
    const allowed = reply[0] === 1;
    const tokens = Number(reply[1]);
    return {
      allowed,
      limit,
      remaining: Math.max(0, Math.floor(tokens)),
      resetSeconds: Math.ceil(reply[2] / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000)),
    };
  }

  async close(): Promise<void> {}
}
