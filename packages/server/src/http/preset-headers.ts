/**
 * Headers every response of a route gets (request id, rate-limit state), set before the
 * handler runs. On Node they go straight onto the ServerResponse, where Node merges them into
 * whatever the handler writes: reading or changing `c.res.headers` after the handler instead
 * turns @hono/node-server's plain-object response into a full Headers copy on every request.
 */
import type { Context } from 'hono';
import type { AppEnv } from './env.js';

export function presetHeaders(c: Context<AppEnv>, headers: Record<string, string>): void {
  const outgoing = c.env?.outgoing;
  for (const name in headers) {
    const value = headers[name]!;
    if (outgoing && !outgoing.headersSent) outgoing.setHeader(name, value);
    else c.header(name, value);
  }
}
