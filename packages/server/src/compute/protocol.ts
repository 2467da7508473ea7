/** Messages between the event loop and the compute worker (offload.ts, worker.ts). */
import { needsExactJson, parseJson, RawJson, stringifyJson, type JsonValue } from '@kaizen/ktof';
import type { DataComputation, DecodeComputation, DecodeRequest, PromptComputation, PromptRequest } from '@kaizen/core';
import type { ParsedOptimizeRequest } from '@kaizen/protocol';
import type { GatewayRewrite, GatewayRewriteRequest } from '../gateway/rewrite.js';
import type { ServerComputations } from './computations.js';

export type ComputeOp =
  | { op: 'encodeData'; request: ParsedOptimizeRequest }
  | { op: 'encodePrompt'; request: PromptRequest }
  | { op: 'decode'; request: DecodeRequest }
  | { op: 'rewriteGatewayBody'; request: GatewayRewriteRequest };

export type ComputeResult = DataComputation | PromptComputation | DecodeComputation | GatewayRewrite | undefined;

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
 * A request as sent to the worker. A gateway body is bytes (no KtofNumbers, and walking a
 * typed array's indexes to look for them would cost more than the rewrite), as is a request
 * whose body was known to hold none.
 */
export function carryRequest(op: ComputeOp, exactNumbers: boolean | undefined): ComputeRequest['request'] {
  return op.op === 'rewriteGatewayBody' || exactNumbers === false ? { value: op.request } : carry(op.request);
}

/**
 * A decoded value is sent back as its JSON text, written on the worker: the event loop embeds
 * it in the response as it is (RawJson) instead of copying a large value across threads and
 * serialising it there.
 */
export function carryResult(op: ComputeOp['op'], result: ComputeResult): Carried<ComputeResult> {
  if (op !== 'decode') return carry(result);
  const { value, ...rest } = result as DecodeComputation;
  return { value: { ...rest, value: null }, json: stringifyJson(value) } as unknown as Carried<ComputeResult>;
}

/**
 * A decoding computed on the event loop, answered as the worker's are: its JSON text written
 * once and embedded in the response as it is (RawJson), instead of serialising the value for
 * `result` and again for `data`.
 */
export function withRawJson(result: DecodeComputation): DecodeComputation {
  return { ...result, value: new RawJson(stringifyJson(result.value)) as unknown as JsonValue };
}

export function unpackResult(carried: Carried<ComputeResult>): ComputeResult {
  if ('json' in carried && 'value' in carried) return { ...(carried as { value: DecodeComputation }).value, value: new RawJson(carried.json) as unknown as JsonValue };
  return unpack(carried);
}

/** Runs one request on `compute`: on the worker, and on the event loop when the worker cannot load. */
export function computeRequest(compute: ServerComputations, op: ComputeOp): Promise<ComputeResult> {
  switch (op.op) {
    case 'encodeData': return compute.encodeData(op.request);
    case 'encodePrompt': return compute.encodePrompt(op.request);
    case 'decode': return compute.decode(op.request);
    case 'rewriteGatewayBody': return compute.rewriteGatewayBody(op.request);
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
