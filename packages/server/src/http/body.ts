/**
 * Reads a JSON request body with a hard size limit. A declared Content-Length over the limit
 * is refused before a byte is read; an undeclared (chunked) body is counted as it streams and
 * refused as soon as it passes the limit, so an oversized upload is never buffered whole.
 */
import type { Context } from 'hono';
import { parseJson } from '@kaizen/ktof';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';
import { MAX_REQUEST_DEPTH } from '@kaizen/core';
import { checkJsonText } from './json-depth.js';
import type { AppEnv } from './env.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function tooLarge(max: number): KaizenProblem {
  return new KaizenProblem(ErrorCode.PAYLOAD_TOO_LARGE, `Request body exceeds the limit of ${max} bytes (--max-body / KAIZEN_MAX_BODY_BYTES).`);
}

/** 413 early when the declared length is over the limit. */
export function checkDeclaredLength(c: Context<AppEnv>, max: number): void {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > max) throw tooLarge(max);
}

/**
 * Why a body stopped arriving: too slow (Node's request deadline, 408) or the client went away
 * (499). Neither is a server fault: they are counted and logged apart from 500s.
 */
function uploadFailure(error: Error & { code?: string }, socket?: { errored?: (Error & { code?: string }) | null }): KaizenProblem {
  // Node's request deadline destroys the socket with ERR_HTTP_REQUEST_TIMEOUT (and answers 408
  // itself); the request stream only sees it end.
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || socket?.errored?.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new KaizenProblem(ErrorCode.REQUEST_TIMEOUT, 'The request body did not arrive within the server\'s request deadline; send it faster or in smaller parts.');
  }
  return new KaizenProblem(ErrorCode.CLIENT_CLOSED_REQUEST, 'The client closed the connection before the request body was complete.');
}

async function readChunks(c: Context<AppEnv>, max: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const incoming = c.env?.incoming;
  if (incoming && 'readableDidRead' in incoming && !incoming.readableDidRead) {
    // Node fast path: read the socket stream directly instead of through a web stream.
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        total += chunk.length;
        if (total > max) {
          cleanup();
          incoming.pause();
          reject(tooLarge(max));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => {
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        reject(uploadFailure(error, incoming.socket as { errored?: Error | null } | undefined));
      };
      // A client that disconnects mid-body may end the stream with neither 'end' nor 'error'.
      const onClose = () => onError(new Error('aborted'));
      const cleanup = () => {
        incoming.off('data', onData);
        incoming.off('end', onEnd);
        incoming.off('error', onError);
        incoming.off('close', onClose);
      };
      incoming.on('data', onData);
      incoming.on('end', onEnd);
      incoming.on('error', onError);
      incoming.on('close', onClose);
    });
    return chunks;
  }
  const stream = c.req.raw.body;
  if (!stream) return chunks;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  return chunks;
}

/** The raw body bytes, whatever they hold; 413 over `max` (the gateway forwards bodies as sent). */
export async function readBodyBytes(c: Context<AppEnv>, max: number): Promise<Uint8Array> {
  checkDeclaredLength(c, max);
  const chunks = await readChunks(c, max);
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * The parsed JSON body, its size in bytes, and whether it holds numbers a JS number cannot hold
 * (read as KtofNumbers, so their digits survive); 413 over `max`, 400 for invalid UTF-8 or JSON.
 */
export async function readJsonBody(c: Context<AppEnv>, max: number): Promise<{ body: unknown; bytes: number; exactNumbers: boolean }> {
  const bytes = await readBodyBytes(c, max);
  if (bytes.length === 0) throw new KaizenProblem(ErrorCode.MALFORMED_JSON, 'Request body is empty: send a JSON object.');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new KaizenProblem(ErrorCode.MALFORMED_JSON, 'Request body is not valid UTF-8.');
  }
  // One pass for both: too deep is a 400; long numbers mean the exact (slower) parse.
  const exactNumbers = checkJsonText(text, MAX_REQUEST_DEPTH).longNumbers;
  try {
    return { body: exactNumbers ? parseJson(text) : JSON.parse(text), bytes: bytes.length, exactNumbers };
  } catch (error) {
    throw new KaizenProblem(ErrorCode.MALFORMED_JSON, `Request body is not valid JSON: ${(error as Error).message}`);
  }
}
