/** Messages between the event loop and the compute worker (offload.ts, worker.ts). */
import type { Computations, DataComputation, PromptComputation, PromptRequest } from '@kaizen/core';
import type { ParsedOptimizeRequest } from '@kaizen/protocol';

export type ComputeRequest =
  | { id: number; op: 'encodeData'; request: ParsedOptimizeRequest }
  | { id: number; op: 'encodePrompt'; request: PromptRequest };

/** Runs one request on `compute`: on the worker, and on the event loop when the worker cannot load. */
export function computeRequest(compute: Computations, message: ComputeRequest): Promise<DataComputation | PromptComputation> {
  return message.op === 'encodeData' ? compute.encodeData(message.request) : compute.encodePrompt(message.request);
}

/** A KaizenProblem as plain data (status follows from the code). */
export interface ProblemData {
  code: string;
  detail: unknown;
  extra: Record<string, unknown>;
}

export type ComputeReply =
  /** Sent once, when the worker has loaded its modules. */
  | { ready: true }
  | { id: number; value: DataComputation | PromptComputation }
  | { id: number; problem: ProblemData }
  /** Anything else that went wrong: logged by the server, a plain 500 for the client. */
  | { id: number; failure: string };
