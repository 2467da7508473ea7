/** The compute worker's thread: the server's own computations (createServerComputations), fed over messages. */
import { parentPort, workerData } from 'node:worker_threads';
import { isKaizenProblem, type Limits } from '@kaizen/core';
import { createServerComputations } from './computations.js';
import { carryResult, computeRequest, unpack, type ComputeOp, type ComputeReply, type ComputeRequest } from './protocol.js';

const compute = createServerComputations((workerData as { limits?: Limits } | null)?.limits ?? {});

parentPort!.on('message', async (message: ComputeRequest) => {
  let reply: ComputeReply;
  try {
    const op = { op: message.op, request: unpack(message.request) } as ComputeOp;
    reply = { id: message.id, result: carryResult(op.op, await computeRequest(compute, op)) };
  } catch (error) {
    reply = isKaizenProblem(error)
      ? { id: message.id, problem: { code: error.code, detail: error.detail, extra: error.extra } }
      : { id: message.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true } satisfies ComputeReply);
