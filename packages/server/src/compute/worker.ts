/** The compute worker's thread: the engine's own computations (createComputations), fed over messages. */
import { parentPort, workerData } from 'node:worker_threads';
import { createComputations, isKaizenProblem, type Limits } from '@kaizen/core';
import { carryResult, computeRequest, unpack, type ComputeOp, type ComputeReply, type ComputeRequest } from './protocol.js';

const compute = createComputations((workerData as { limits?: Limits } | null)?.limits ?? {});

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
