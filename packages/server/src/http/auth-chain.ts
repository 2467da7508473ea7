/**
 * The chain in front of every authenticated surface (/v1, /mcp, the gateway's routes), built in
 * one place: a guard on the credentials sent, the key (or anonymous loopback), then the
 * tenant's rate limit. Surfaces differ only in where the key is read and what the guard checks.
 */
import type { MiddlewareHandler } from 'hono';
import type { Backends } from '../backends/types.js';
import { authMiddleware, type AuthOptions } from './auth.js';
import type { AppEnv } from './env.js';
import { oneCredential } from './one-credential.js';
import { rateLimitMiddleware } from './rate-limit.js';

/** How one surface reads its key (AuthOptions' keyOf, missingMessage) and guards its credentials. */
export interface AuthSurface extends Pick<AuthOptions, 'keyOf' | 'missingMessage'> {
  /** Runs before the key is looked up. Default: oneCredential (two different keys are a 401). */
  guard?: MiddlewareHandler<AppEnv>;
}

export interface AuthChainOptions extends AuthOptions, AuthSurface {}

export function authChain(backends: Pick<Backends, 'keys' | 'rateLimiter'>, options: AuthChainOptions): MiddlewareHandler<AppEnv>[] {
  return [options.guard ?? oneCredential(), authMiddleware(backends.keys, options), rateLimitMiddleware(backends.rateLimiter, options.now ?? Date.now)];
}
