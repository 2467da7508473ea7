/**
 * POST bodies must be declared JSON. A browser sends `text/plain`, form and multipart bodies (and
 * bodies without a type) to any site without asking first (no CORS preflight), so accepting them
 * would let any web page the developer opens post to a server on their machine.
 */
import type { MiddlewareHandler } from 'hono';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';
import type { AppEnv } from './env.js';

/** `application/json`, or any `+json` type, parameters (charset) allowed. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export function jsonOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'POST' && !isJsonContentType(c.req.header('content-type'))) {
      const sent = c.req.header('content-type');
      throw new KaizenProblem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send the body as JSON with "Content-Type: application/json"${sent ? ` (got "${sent.slice(0, 80)}")` : ' (none was sent)'}.`);
    }
    return next();
  };
}
