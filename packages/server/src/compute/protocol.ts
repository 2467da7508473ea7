/** Messages between the event loop and the compute worker (offload.ts, worker.ts). */
import { needsExactJson, parseJson, RawJson, stringifyJson, type JsonValue } from '@kaizen/ktof';
import type { Computations, DataComputation, DecodeComputation, DecodeRequest, PromptComputation, PromptRequest } from '@kaizen/core';
import type { ParsedOptimizeRequest } from '@kaizen/protocol';

export type ComputeOp =
  | { op: 'encodeData'; request: ParsedOptimizeRequest }
  | { op: 'encodePrompt'; request: PromptRequest }
  | { op: 'decode'; request: DecodeRequest };

export type ComputeResult = DataComputation | PromptComputation | DecodeComputation;

/**
 * A value crossing threads: itself, or (when it holds KtofNumbers, which a structured clone
 * turns into plain objects) its exact JSON text, parsed back on the other side.
 */
export type Carried<T> = { value: T } | { json: string };

export function carry<T>(value: T): Carried<T> {
  return needsExactJson(value) ? { json: stringifyJson(value) } : { value };
}

export function unpack<T>(carried: Carried<T>): T {
  return 'json' in carried ? (parseJson(carried.json) as T) : carried.value;
}

export type ComputeRequest = { id: number; op: ComputeOp['op']; request: Carried<ComputeOp['request']> };

/**
 * A decoded value is sent back as its JSON text, written on the worker: the event loop embeds
 * it in the response as it is (RawJson) instead of copying a large value across threads and
 * serialising it there.
 */
export function carryResult(op: ComputeOp['op'], result: ComputeResult): Carried<ComputeResult> {
  if (op !== 'decode') return carry(result);
  const { value, json, ...rest } = result as DecodeComputation;
  return { value: { ...rest, value: null }, json: json ?? stringifyJson(value) } as unknown as Carried<ComputeResult>;
}

/**
 * A decoding computed on the event loop whose JSON text was written for its stats (a document,
 * for decompress): the response embeds that text (RawJson), as for the worker's answers, instead
 * of serialising the value again for `result` and again for `data`.
 */
export function withRawJson(result: DecodeComputation): DecodeComputation {
  return result.json === undefined ? result : { ...result, value: new RawJson(result.json) as unknown as JsonValue };
}

export function unpackResult(carried: Carried<ComputeResult>): ComputeResult {
  if ('json' in carried && 'value' in carried) return { ...(carried as { value: DecodeComputation }).value, value: new RawJson(carried.json) as unknown as JsonValue };
  return unpack(carried);
}

/** Runs one request on `compute`: on the worker, and on the event loop when the worker cannot load. */
export function computeRequest(compute: Computations, op: ComputeOp): Promise<ComputeResult> {
  switch (op.op) {
    case 'encodeData': return compute.encodeData(op.request);
    case 'encodePrompt': return compute.encodePrompt(op.request);
    case 'decode': return compute.decode(op.request);
  }
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
  | { id: number; result: Carried<ComputeResult> }
  | { id: number; problem: ProblemData }
  /** Anything else that went wrong: logged by the server, a plain 500 for the client. */
  | { id: number; failure: string };
