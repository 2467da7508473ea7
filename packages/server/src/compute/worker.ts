/** The compute worker's thread: the engine's own computations (createComputations), fed over messages. */
import { parentPort } from 'node:worker_threads';
import { createComputations, isKaizenProblem } from '@kaizen/core';
import { computeRequest, type ComputeReply, type ComputeRequest } from './protocol.js';

const compute = createComputations();

parentPort!.on('message', async (message: ComputeRequest) => {
  let reply: ComputeReply;
  try {
    reply = { id: message.id, value: await computeRequest(compute, message) };
  } catch (error) {
    reply = isKaizenProblem(error)
      ? { id: message.id, problem: { code: error.code, detail: error.detail, extra: error.extra } }
      : { id: message.id, failure: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true } satisfies ComputeReply);
