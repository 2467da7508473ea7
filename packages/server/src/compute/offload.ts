/**
 * Costly requests computed on a worker thread. Encoding, token counting, decoding and the
 * gateway's rewriting are synchronous and grow with the request: exact byte-pair counting costs
 * about 0.3 µs a character on JSON and up to 4 µs on random text, per model, so a 60 KB request
 * counted for 12 models held the event loop, and every other request in flight, for 0.2-0.6 s;
 * decoding runs at tens of MB/s, and a gateway body of new JSON takes 0.2-0.3 s per MB. Requests
 * whose estimated cost (body bytes times the token models they count, at least one) is over
 * `aboveCost` go to one worker thread running the same computations (createServerComputations),
 * one at a time, in arrival order; cheap ones, nearly all traffic, stay on the event loop, where
 * the per-string caches make them cheap and no message has to cross threads. A request whose
 * client went away is dropped while it waits, and stopped (the worker is ended and started again
 * for the next) while it runs. The worker stops after `idleStopMs` without requests, so the
 * memory its tokenizers take (about 140 MB) is returned when large requests are rare; the next
 * one starts it again (about a second of loading).
 */
import { Worker } from 'node:worker_threads';
import { ErrorCode, KaizenProblem, type Limits } from '@kaizen/core';
import type { ComputeContext, ServerComputations } from './computations.js';
import { carryRequest, computeRequest, unpackResult, withRawJson, type ComputeOp, type ComputeReply, type ComputeRequest } from './protocol.js';

// From dist the worker is the sibling file; under a test runner this module runs from src, and
// the worker from the build (workspace packages resolve to their builds either way).
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('../../dist/compute/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);

export interface OffloadOptions {
  /** Where requests at or under `aboveCost` are computed, and all of them if the worker cannot start. */
  local: ServerComputations;
  /** Estimated cost (body bytes x token models, at least one) above which a request is computed on the worker. */
  aboveCost: number;
  /** The worker's module (tests). Default: compute/worker.js of this build. */
  workerUrl?: URL;
  /** Milliseconds without requests after which the worker stops. Default: 60 s. */
  idleStopMs?: number;
  /** The limits the worker's computations apply (as `local`'s). */
  limits?: Partial<Limits>;
}

/** How long an idle worker keeps its tokenizers loaded. */
const IDLE_STOP_MS = 60_000;

export interface OffloadedComputations extends ServerComputations {
  /** Whether a worker thread is running now. */
  readonly workerRunning: boolean;
  /** Requests waiting for the worker or on it. */
  readonly queued: number;
  /** Stops the worker (requests still on it fail). */
  close(): Promise<void>;
}

interface Job {
  id: number;
  op: ComputeOp;
  context: ComputeContext | undefined;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

/** What the worker is asked to do for a request whose client went away: nothing; the answer is never sent. */
function abandoned(): KaizenProblem {
  return new KaizenProblem(ErrorCode.CLIENT_CLOSED_REQUEST, 'The client closed the connection before the answer was ready.');
}

/** Estimated cost of a request: its body bytes, times the token models it counts. */
export function estimatedCost(context: ComputeContext | undefined, models: readonly unknown[] | null | undefined): number {
  return (context?.requestBytes ?? 0) * Math.max(1, models?.length ?? 0);
}

export function createOffloadedComputations({ local, aboveCost, workerUrl = WORKER_URL, idleStopMs = IDLE_STOP_MS, limits = {} }: OffloadOptions): OffloadedComputations {
  let worker: Worker | undefined;
  let ready = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when a worker exited before it had loaded: costly requests are computed here from then on. */
  let cannotStart = false;
  const queue: Job[] = [];
  /** The job on the worker now. */
  let running: Job | undefined;
  let nextId = 0;

  const computeHere = (job: Job): void => {
    computeRequest(local, job.op).then(job.resolve as (value: unknown) => void, job.reject);
  };

  /**
   * The worker cannot start: every job waiting is computed here at once (or dropped, if its
   * client left), in arrival order, and so is every later one. None waits for another request
   * to move the queue.
   */
  const fallBack = (): void => {
    cannotStart = true;
    for (const job of queue.splice(0)) {
      if (job.context?.signal?.aborted) job.reject(abandoned());
      else computeHere(job);
    }
  };

  /** The queue is empty: let the process exit without the thread, and stop it if nothing follows. */
  const idle = () => {
    const thread = worker;
    if (!thread) return;
    thread.unref();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (worker === thread && !running && queue.length === 0) stop();
    }, idleStopMs);
    idleTimer.unref();
  };

  const stop = () => {
    const thread = worker;
    worker = undefined;
    ready = false;
    if (thread) void thread.terminate();
  };

  const start = (): Worker => {
    const thread = new Worker(workerUrl, { workerData: { limits } });
    thread.on('message', (reply: ComputeReply) => {
      if (thread !== worker) return;
      if ('ready' in reply) {
        ready = true;
        return;
      }
      const job = running;
      if (!job || job.id !== reply.id) return;
      running = undefined;
      if ('result' in reply) job.resolve(unpackResult(reply.result) as never);
      else if ('problem' in reply) job.reject(new KaizenProblem(reply.problem.code as ErrorCode, reply.problem.detail as string, reply.problem.extra));
      else job.reject(new Error(`compute worker: ${reply.failure}`));
      next();
    });
    thread.on('error', () => {}); // an uncaught error ends the thread: handled on exit
    thread.once('exit', () => {
      if (thread !== worker) return; // stopped on purpose: its job was settled already
      const loaded = ready;
      worker = undefined;
      ready = false;
      const job = running;
      running = undefined;
      // A worker that could not even load (a broken install) would fail every costly request:
      // compute them here instead. One that died on a request fails only what it held, and
      // the next request starts a new worker.
      if (!loaded) {
        if (job) queue.unshift(job);
        return fallBack();
      }
      job?.reject(new KaizenProblem(ErrorCode.INTERNAL_ERROR, 'The encoding worker stopped while computing this request; send it again.'));
      next();
    });
    return thread;
  };

  /** Sends the next job whose client is still there to the worker. */
  const next = (): void => {
    if (running) return;
    if (cannotStart) return fallBack();
    let job: Job | undefined;
    while ((job = queue.shift())) {
      if (!job.context?.signal?.aborted) break;
      job.reject(abandoned());
    }
    if (!job) return idle();
    clearTimeout(idleTimer);
    try {
      worker ??= start();
    } catch {
      queue.unshift(job);
      return fallBack();
    }
    running = job;
    // The thread keeps the process alive only while it holds a request.
    worker.ref();
    worker.postMessage({ id: job.id, op: job.op.op, request: carryRequest(job.op, job.context?.exactNumbers) } satisfies ComputeRequest);
  };

  const run = <T>(op: ComputeOp, context: ComputeContext | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const job: Job = { id: nextId++, op, context, resolve: resolve as (value: never) => void, reject };
      const signal = context?.signal;
      if (signal) {
        if (signal.aborted) return reject(abandoned());
        signal.addEventListener('abort', () => {
          const waiting = queue.indexOf(job);
          if (waiting >= 0) {
            queue.splice(waiting, 1);
            reject(abandoned());
          } else if (running === job) {
            // Computation cannot be interrupted inside the thread: end the thread, start another for the rest.
            running = undefined;
            stop();
            reject(abandoned());
            next();
          }
        }, { once: true });
      }
      queue.push(job);
      next();
    });

  const costly = (context: ComputeContext | undefined, models?: readonly unknown[] | null) => estimatedCost(context, models) > aboveCost;

  return {
    encodeData: (request, context) => (costly(context, request.token_models) ? run({ op: 'encodeData', request }, context) : local.encodeData(request, context)),
    encodePrompt: (request, context) => (costly(context, request.token_models) ? run({ op: 'encodePrompt', request }, context) : local.encodePrompt(request, context)),
    decode: (request, context) => (costly(context) ? run({ op: 'decode', request }, context) : local.decode(request, context).then(withRawJson)),
    // One tokenizer counts every text (before and after), as an encode for one model does.
    rewriteGatewayBody: (request, context) => (costly(context) ? run({ op: 'rewriteGatewayBody', request }, context) : local.rewriteGatewayBody(request, context)),
    get workerRunning() {
      return worker !== undefined;
    },
    get queued() {
      return queue.length + (running ? 1 : 0);
    },
    async close() {
      clearTimeout(idleTimer);
      const thread = worker;
      worker = undefined;
      if (thread) await thread.terminate();
    },
  };
}
