/**
 * Large requests computed on a worker thread. Encoding and token counting are synchronous and
 * grow with the request: exact byte-pair counting costs about 0.3 µs a character on JSON and
 * up to 4 µs on random text, so a 500 KB request held the event loop, and every other request
 * in flight, for 0.15–2 s per model. Requests whose body is over `aboveBytes` now go to one
 * worker thread running the same computations (createComputations), one at a time; smaller
 * ones, nearly all traffic, stay on the event loop, where the per-string caches make them cheap
 * and no message has to cross threads. The worker stops after `idleStopMs` without requests, so
 * the memory its tokenizers take (about 140 MB) is returned when large requests are rare; the
 * next one starts it again (about a second of loading).
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
  /** Milliseconds without requests after which the worker stops. Default: 60 s. */
  idleStopMs?: number;
}

/** How long an idle worker keeps its tokenizers loaded. */
const IDLE_STOP_MS = 60_000;

export interface OffloadedComputations extends Computations {
  /** Whether a worker thread is running now. */
  readonly workerRunning: boolean;
  /** Stops the worker (requests still on it fail). */
  close(): Promise<void>;
}

interface Pending {
  message: ComputeRequest;
  /** The thread computing it (an idle worker that was stopped may still be exiting when the next starts). */
  thread?: Worker;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

export function createOffloadedComputations({ local, aboveBytes, workerUrl = WORKER_URL, idleStopMs = IDLE_STOP_MS }: OffloadOptions): OffloadedComputations {
  let worker: Worker | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when a worker exited before it had loaded: large requests are computed here from then on. */
  let cannotStart = false;
  const pending = new Map<number, Pending>();
  let nextId = 0;

  const computeHere = ({ message }: Pending): Promise<unknown> => computeRequest(local, message);

  const settle = (reply: Exclude<ComputeReply, { ready: true }>) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (pending.size === 0) idle();
    if ('value' in reply) waiter.resolve(reply.value as never);
    else if ('problem' in reply) waiter.reject(new KaizenProblem(reply.problem.code as ErrorCode, reply.problem.detail as string, reply.problem.extra));
    else waiter.reject(new Error(`compute worker: ${reply.failure}`));
  };

  /** The last request settled: let the process exit without the thread, and stop it if none follows. */
  const idle = () => {
    const thread = worker;
    if (!thread) return;
    thread.unref();
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (worker === thread && pending.size === 0) {
        worker = undefined;
        void thread.terminate();
      }
    }, idleStopMs);
    idleTimer.unref();
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
        if (waiter.thread !== thread) continue;
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
      clearTimeout(idleTimer);
      try {
        worker ??= start();
      } catch {
        cannotStart = true;
        computeHere(waiter).then(waiter.resolve as (value: unknown) => void, reject);
        return;
      }
      waiter.thread = worker;
      pending.set(message.id, waiter);
      // The thread keeps the process alive only while it holds requests.
      if (pending.size === 1) worker.ref();
      worker.postMessage(message);
    });

  const large = (context: OperationContext | undefined) => !cannotStart && (context?.requestBytes ?? 0) > aboveBytes;

  return {
    encodeData: (request, context) => (large(context) ? run({ id: nextId++, op: 'encodeData', request }) : local.encodeData(request, context)),
    encodePrompt: (request, context) => (large(context) ? run({ id: nextId++, op: 'encodePrompt', request }) : local.encodePrompt(request, context)),
    get workerRunning() {
      return worker !== undefined;
    },
    async close() {
      clearTimeout(idleTimer);
      const thread = worker;
      worker = undefined;
      if (thread) await thread.terminate();
    },
  };
}
