/**
 * The upstream's answer, relayed as it arrives: status, headers and body bytes unchanged
 * (errors included), streamed without buffering. On Node the body is piped straight into the
 * socket, so a slow reader slows the upstream read (backpressure) and a reader that leaves
 * ends the upstream request.
 */
import { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
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
  // A stream must not wait in a reverse proxy's buffer (nginx honours this per response).
  if (String(headers['content-type'] ?? '').startsWith('text/event-stream')) headers['x-accel-buffering'] = 'no';
  const status = upstream.statusCode;
  const outgoing = c.env?.outgoing;
  if (!outgoing) {
    // Not on Node's server (e.g. app.request in-process): a web stream does the same job.
    const web = Readable.toWeb(upstream.body) as unknown as ReadableStream<Uint8Array>;
    return { status, complete: true, response: new Response(web, { status, headers: toHeaders(headers) }) };
  }
  outgoing.writeHead(status, headers);
  // An answer of unknown length (a stream) sends its headers now, so the caller learns the
  // status before the first token; one of known length goes out with its body in one write.
  if (headers['content-length'] === undefined) outgoing.flushHeaders();
  const complete = await pipe(upstream.body, outgoing);
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

/**
 * Pipes `body` into the response and resolves when the response is finished (true) or cut
 * short (false). A caller that leaves destroys the upstream body, which ends that upstream
 * request; an upstream that fails mid-body destroys the response, so the caller sees a
 * truncated answer, not a complete-looking one. (stream.pipeline does the same but builds an
 * AbortError with a stack trace on every call, a tenth of a proxied call's CPU.)
 */
function pipe(body: Readable, outgoing: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = () => {
      body.off('error', onBodyError);
      outgoing.off('close', onClose);
      outgoing.off('finish', onFinish);
      resolve(outgoing.writableFinished);
    };
    const onFinish = () => finish();
    const onBodyError = () => {
      outgoing.destroy();
      finish();
    };
    const onClose = () => {
      if (!outgoing.writableFinished) body.destroy();
      finish();
    };
    body.once('error', onBodyError);
    outgoing.once('close', onClose);
    outgoing.once('finish', onFinish);
    body.pipe(outgoing);
  });
}

function toHeaders(record: Record<string, string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  return headers;
}
