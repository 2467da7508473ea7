/**
 * Large requests computed on a worker thread. Encoding and token counting are synchronous and
 * grow with the request: exact byte-pair counting costs about 0.3 µs a character on JSON and
 * up to 4 µs on random text, so a 500 KB request held the event loop, and every other request
 * in flight, for 0.15–2 s per model. Requests whose body is over `aboveBytes` now go to one
 * worker thread running the same computations (createComputations), one at a time; smaller
 * ones, nearly all traffic, stay on the event loop, where the per-string caches make them cheap
 * and no message has to cross threads.
 */
import { Worker } from 'node:worker_threads';
import { ErrorCode, KaizenProblem, type Computations, type OperationContext } from '@kaizen/core';
import { computeRequest, type ComputeReply, type ComputeRequest } from './protocol.js';

// From dist the worker is the sibling file; under a test runner this module runs from src, and
// the worker from the build (workspace packages resolve to their builds either way).
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('../../dist/compute/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);

export interface OffloadOptions {
  /** Where requests at or under `aboveBytes` are computed, and all of them if the worker cannot start. */
  local: Computations;
  /** Body size in bytes above which a request is computed on the worker. */
  aboveBytes: number;
  /** The worker's module (tests). Default: compute/worker.js of this build. */
  workerUrl?: URL;
}

export interface OffloadedComputations extends Computations {
  /** Stops the worker (requests still on it fail). */
  close(): Promise<void>;
}

interface Pending {
  message: ComputeRequest;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

export function createOffloadedComputations({ local, aboveBytes, workerUrl = WORKER_URL }: OffloadOptions): OffloadedComputations {
  let worker: Worker | undefined;
  /** Set when a worker exited before it had loaded: large requests are computed here from then on. */
  let cannotStart = false;
  const pending = new Map<number, Pending>();
  let nextId = 0;

  const computeHere = ({ message }: Pending): Promise<unknown> => computeRequest(local, message);

  const settle = (reply: Exclude<ComputeReply, { ready: true }>) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker?.unref();
    if ('value' in reply) waiter.resolve(reply.value as never);
    else if ('problem' in reply) waiter.reject(new KaizenProblem(reply.problem.code as ErrorCode, reply.problem.detail as string, reply.problem.extra));
    else waiter.reject(new Error(`compute worker: ${reply.failure}`));
  };

  const start = (): Worker => {
    const thread = new Worker(workerUrl);
    let ready = false;
    thread.on('message', (reply: ComputeReply) => {
      if ('ready' in reply) ready = true;
      else settle(reply);
    });
    thread.on('error', () => {}); // an uncaught error ends the thread: handled on exit
    thread.once('exit', () => {
      if (worker === thread) worker = undefined;
      // A worker that could not even load (a broken install) would fail every large request:
      // compute them here instead. One that died on a request fails only what it held, and
      // the next large request starts a new worker.
      if (!ready) cannotStart = true;
      for (const [id, waiter] of pending) {
        pending.delete(id);
        if (!ready) computeHere(waiter).then(waiter.resolve as (value: unknown) => void, waiter.reject);
        else waiter.reject(new KaizenProblem(ErrorCode.INTERNAL_ERROR, 'The encoding worker stopped while computing this request; send it again.'));
      }
    });
    return thread;
  };

  const run = <T>(message: ComputeRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const waiter: Pending = { message, resolve: resolve as (value: never) => void, reject };
      try {
        worker ??= start();
      } catch {
        cannotStart = true;
        computeHere(waiter).then(waiter.resolve as (value: unknown) => void, reject);
        return;
      }
      pending.set(message.id, waiter);
      // The thread keeps the process alive only while it holds requests.
      if (pending.size === 1) worker.ref();
      worker.postMessage(message);
    });

  const large = (context: OperationContext | undefined) => !cannotStart && (context?.requestBytes ?? 0) > aboveBytes;

  return {
    encodeData: (request, context) => (large(context) ? run({ id: nextId++, op: 'encodeData', request }) : local.encodeData(request, context)),
    encodePrompt: (request, context) => (large(context) ? run({ id: nextId++, op: 'encodePrompt', request }) : local.encodePrompt(request, context)),
    async close() {
      const thread = worker;
      worker = undefined;
      if (thread) await thread.terminate();
    },
  };
}
