/** Per-tenant rate limiting with RateLimit-* headers on every answer and Retry-After on 429. */
import type { MiddlewareHandler } from 'hono';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';
import type { RateDecision, RateLimiter } from '../backends/types.js';
import type { AppEnv } from './env.js';
import { presetHeaders } from './preset-headers.js';

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  };
}

/** Raised by the middleware on a refused request; carries the headers to send. */
export class RateLimited extends KaizenProblem {
  constructor(readonly headers: Record<string, string>, retryAfter: number, detail = `Rate limit exceeded for this account; retry in ${retryAfter} s.`) {
    super(ErrorCode.RATE_LIMITED, detail);
  }
}

export function rateLimitMiddleware(limiter: RateLimiter, now: () => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const decision = await limiter.take(c.get('tenant'), now());
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) throw new RateLimited({ ...headers, 'retry-after': String(decision.retryAfterSeconds) }, decision.retryAfterSeconds);
    presetHeaders(c, headers);
    await next();
  };
}
