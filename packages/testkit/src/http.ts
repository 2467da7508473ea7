/** HTTP as a client outside the server sees it: JSON over fetch, or exact bytes over one socket. */
import { connect } from 'node:net';
import { answerOf, type Answer } from './server.js';

/**
 * POSTs JSON with an API key; returns status, parsed body and headers. The default timeout only
 * stops a request left hanging: a costly request on a loaded machine was seen taking over 10 s
 * (the old default), so it leaves the deadline to the test's own timeout.
 */
export async function postJson(baseUrl: string, path: string, body: unknown, key?: string, init: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}), ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 60_000),
  });
  return answerOf(response);
}

/**
 * Sends raw bytes on one TCP connection and collects everything until the server closes it
 * (or `timeoutMs` passes). For tests that need exact bytes: header casing, duplicated
 * headers, conflicting lengths, broken chunked encoding.
 */
export function rawExchange(port: number, payload: string | Buffer, timeoutMs = 3_000): Promise<{ text: string; closedByServer: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolveExchange) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => (closedByServer = true));
    socket.on('close', () => {
      clearTimeout(timer);
      resolveExchange({ text, closedByServer, ms: Date.now() - started });
    });
    socket.write(payload);
  });
}

/** The status codes of every HTTP response in a raw exchange, in order. */
export function statusesIn(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}
