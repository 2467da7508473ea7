/**
 * The upstream's answer, relayed as it arrives: status, headers and body bytes unchanged
 * (errors included), streamed without buffering. On Node the body is piped straight into the
 * socket, so a slow reader slows the upstream read (backpressure) and a reader that leaves
 * ends the upstream request.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Dispatcher } from 'undici';
import type { AppEnv } from '../http/env.js';

/** Response headers that describe the upstream connection, not the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'trailer', 'te']);

export interface Relayed {
  status: number;
  /** False when the caller left before the body was complete. */
  complete: boolean;
  /** What the app returns (on Node the answer is already written). */
  response: Response;
}

/** Relays `upstream` to the caller with `extra` headers added (Kaizen's own figures). */
export async function relay(c: Context<AppEnv>, upstream: Dispatcher.ResponseData, extra: Record<string, string>): Promise<Relayed> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  Object.assign(headers, extra);
  const status = upstream.statusCode;
  const outgoing = c.env?.outgoing;
  if (!outgoing) {
    // Not on Node's server (e.g. app.request in-process): a web stream does the same job.
    const web = Readable.toWeb(upstream.body) as unknown as ReadableStream<Uint8Array>;
    return { status, complete: true, response: new Response(web, { status, headers: toHeaders(headers) }) };
  }
  outgoing.writeHead(status, headers);
  // Headers go out now: a streaming caller learns the status before the first token.
  outgoing.flushHeaders();
  let complete = true;
  try {
    await pipeline(upstream.body, outgoing);
  } catch {
    // The caller left (the pipeline destroyed the upstream body, ending that request) or the
    // upstream failed mid-body (the caller's connection is cut so it sees a truncated answer).
    complete = outgoing.writableFinished;
  }
  return { status, complete, response: alreadySent(status) };
}

/**
 * What the app returns once the answer is written on the socket: @hono/node-server then
 * writes nothing, and the access log and metrics still see the real status. Built with the
 * class of RESPONSE_ALREADY_SENT, the platform Response (the adapter's own lightweight Response
 * with a null body is written out as it is, headers and all, and would fail).
 */
export function alreadySent(status: number): Response {
  const PlatformResponse = RESPONSE_ALREADY_SENT.constructor as typeof Response;
  return new PlatformResponse(null, { status, headers: RESPONSE_ALREADY_SENT.headers });
}

function toHeaders(record: Record<string, string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  return headers;
}
