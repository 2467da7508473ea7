/**
 * Lingering close, as nginx does it: a request refused before its body was read (413) still has
 * the client writing. Closing the socket at once makes that client's write fail (EPIPE) before it
 * reads the answer; Node's fetch then reports a network error instead of the 413. So the rest of
 * the body is read and thrown away first, up to a bound in bytes and time, then the answer goes
 * out with `connection: close`.
 */
import type { IncomingMessage } from 'node:http';

/** Most bytes read and discarded after a refusal. */
export const LINGER_MAX_BYTES = 64 * 1024 * 1024;
/** Longest a refusal waits for the client to finish sending. */
export const LINGER_MAX_MS = 2_000;
/** ...and for its next bytes: a client that stopped sending is not waited for. */
const LINGER_IDLE_MS = 250;

/**
 * Resolves once the body has ended, or after `maxBytes` more bytes, `maxMs`, or a pause of
 * LINGER_IDLE_MS, whichever comes first. A declared length past `maxBytes` is not waited for.
 */
export function discardBody(incoming: IncomingMessage | undefined, maxBytes = LINGER_MAX_BYTES, maxMs = LINGER_MAX_MS): Promise<void> {
  if (!incoming || incoming.readableEnded || incoming.destroyed) return Promise.resolve();
  if (Number(incoming.headers['content-length']) > maxBytes) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let seen = 0;
    let idle = setTimeout(() => done(), LINGER_IDLE_MS);
    const done = () => {
      clearTimeout(timer);
      clearTimeout(idle);
      incoming.off('data', onData);
      incoming.off('end', done);
      incoming.off('close', done);
      incoming.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      clearTimeout(idle);
      idle = setTimeout(done, LINGER_IDLE_MS);
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    incoming.on('data', onData);
    incoming.on('end', done);
    incoming.on('close', done);
    incoming.on('error', done);
    incoming.resume();
  });
}
