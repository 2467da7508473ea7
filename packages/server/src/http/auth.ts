/**
 * Authentication: `x-api-key: KEY` or `Authorization: Bearer KEY`. Missing or unknown keys
 * answer 401, revoked keys 403. With anonymous loopback on, keyless requests from the same
 * machine run as tenant "local" (development and the local playground).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';
import { ANONYMOUS_TENANT } from '../backends/keys.js';
import type { KeyStore } from '../backends/types.js';
import type { AuthFailureLimiter } from './auth-failures.js';
import type { AppEnv } from './env.js';

export { ANONYMOUS_TENANT };

/**
 * The Host a keyless request must name: a browser page on another site, or one whose DNS name
 * was rebound to 127.0.0.1, reaches a loopback socket too, but names its own host.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(name) || name === '[::1]';
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** The key a request presents, or undefined; a malformed Authorization header is a 401. */
export function presentedKey(xApiKey: string | undefined, authorization: string | undefined): string | undefined {
  if (xApiKey !== undefined && xApiKey.trim() !== '') return xApiKey.trim();
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new KaizenProblem(ErrorCode.INVALID_API_KEY, 'Authorization header must be "Bearer <key>".');
  return match[1];
}

export interface AuthOptions {
  anonymousLoopback: boolean;
  /** Where the key is read (default: `x-api-key`, else `Authorization: Bearer`); the gateway's BYOK mode reads its own header. */
  keyOf?: (c: Context<AppEnv>) => string | undefined;
  /** The 401 detail when no key was sent. */
  missingMessage?: string;
  /** Wrong keys counted per client address (429 once over its limit). */
  failures?: AuthFailureLimiter;
  now?: () => number;
}

const MISSING_KEY = 'Missing API key: send it as "x-api-key: KEY" or "Authorization: Bearer KEY" (create one with `kaizen keys create`).';

const headerKey = (c: Context<AppEnv>) => presentedKey(c.req.header('x-api-key'), c.req.header('authorization'));

export function authMiddleware(keys: KeyStore, options: AuthOptions): MiddlewareHandler<AppEnv> {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const failures = options.failures;
    // The peer's address, read once: wrong keys are counted against it, and anonymous loopback checks it.
    const incoming = c.env?.incoming !== undefined;
    const remote = incoming ? getConnInfo(c).remote.address : undefined;
    const address = failures && incoming ? (remote ?? 'unknown') : undefined;
    if (address !== undefined) failures!.check(address, now());
    try {
      await authenticate(c, keys, options, remote);
    } catch (error) {
      // A wrong key counts against the address; a missing one is a client not set up yet.
      if (address !== undefined && error instanceof KaizenProblem && (error.code === ErrorCode.INVALID_API_KEY || error.code === ErrorCode.KEY_REVOKED)) failures!.failed(address, now());
      throw error;
    }
    return next();
  };
}

async function authenticate(c: Context<AppEnv>, keys: KeyStore, options: AuthOptions, remote: string | undefined): Promise<void> {
  const key = (options.keyOf ?? headerKey)(c);
  if (key === undefined) {
    if (options.anonymousLoopback && isLoopback(remote)) {
      if (!isLoopbackHost(c.req.header('host'))) {
        throw new KaizenProblem(ErrorCode.FORBIDDEN, 'Keyless requests are accepted only for Host localhost, 127.0.0.1 or [::1] (a guard against web pages and DNS rebinding); send an API key.');
      }
      c.set('tenant', ANONYMOUS_TENANT);
      c.set('keyId', null);
      return;
    }
    throw new KaizenProblem(ErrorCode.MISSING_API_KEY, options.missingMessage ?? MISSING_KEY);
  }
  const record = await keys.verify(key);
  if (!record) throw new KaizenProblem(ErrorCode.INVALID_API_KEY, 'Invalid API key.');
  if (record.revokedAt !== null) throw new KaizenProblem(ErrorCode.KEY_REVOKED, `API key ${record.id} was revoked; create a new one with \`kaizen keys create\`.`);
  c.set('tenant', record.tenant);
  c.set('keyId', record.id);
}
