/**
 * Refuses requests that present two different API keys (one in `x-api-key`, another in
 * `Authorization: Bearer`). Which one "wins" would be an accident of implementation; an
 * ambiguous credential is a 401 that tells the caller to send exactly one.
 */
import type { MiddlewareHandler } from 'hono';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';

export function oneCredential(): MiddlewareHandler {
  return async (c, next) => {
    const apiKey = c.req.header('x-api-key')?.trim();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (apiKey && bearer && apiKey !== bearer) {
      throw new KaizenProblem(ErrorCode.INVALID_API_KEY, 'Two different API keys were sent (x-api-key and Authorization); send exactly one.');
    }
    return next();
  };
}
