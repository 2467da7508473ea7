/**
 * Authentication: `x-api-key: KEY` or `Authorization: Bearer KEY`. Missing or unknown keys
 * answer 401, revoked keys 403. With anonymous loopback on, keyless requests from the same
 * machine run as tenant "local" (development and the local playground).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';
import type { KeyStore } from '../backends/types.js';
import type { AppEnv } from './env.js';

/** The tenant of keyless loopback requests. */
export const ANONYMOUS_TENANT = 'local';

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
}

const MISSING_KEY = 'Missing API key: send it as "x-api-key: KEY" or "Authorization: Bearer KEY" (create one with `kaizen keys create`).';

export function authMiddleware(keys: KeyStore, options: AuthOptions): MiddlewareHandler<AppEnv> {
  const keyOf = options.keyOf ?? ((c: Context<AppEnv>) => presentedKey(c.req.header('x-api-key'), c.req.header('authorization')));
  return async (c, next) => {
    const key = keyOf(c);
    if (key === undefined) {
      if (options.anonymousLoopback && c.env?.incoming && isLoopback(getConnInfo(c).remote.address)) {
        c.set('tenant', ANONYMOUS_TENANT);
        c.set('keyId', null);
        return next();
      }
      throw new KaizenProblem(ErrorCode.MISSING_API_KEY, options.missingMessage ?? MISSING_KEY);
    }
    const record = await keys.verify(key);
    if (!record) throw new KaizenProblem(ErrorCode.INVALID_API_KEY, 'Invalid API key.');
    if (record.revokedAt !== null) throw new KaizenProblem(ErrorCode.KEY_REVOKED, `API key ${record.id} was revoked; create a new one with \`kaizen keys create\`.`);
    c.set('tenant', record.tenant);
    c.set('keyId', record.id);
    return next();
  };
}
