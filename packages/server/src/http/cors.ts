/**
 * Opt-in CORS for browser apps on other origins (`--cors-origin` / KAIZEN_CORS_ORIGINS).
 * Off by default: a key-holding API should not be callable from every web page.
 */
import { cors } from 'hono/cors';
import type { MiddlewareHandler } from 'hono';

/** Headers a browser client sends and reads (the SDK's request id, retry hints, rate limits). */
const ALLOW_HEADERS = ['content-type', 'x-api-key', 'authorization', 'x-request-id'];
const EXPOSE_HEADERS = ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];

/** CORS for the listed origins (`*` for any); preflights are answered before auth. */
export function corsMiddleware(origins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
}
