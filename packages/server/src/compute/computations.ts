/**
 * What the server computes, on the event loop or on the compute worker (the same code on both):
 * @kaizen/core's computations, plus the gateway's rewriting of request bodies.
 */
import { createComputations, type Computations, type Limits, type OperationContext } from '@kaizen/core';
import { rewriteGatewayBody, type GatewayRewrite, type GatewayRewriteRequest } from '../gateway/rewrite.js';

/** What a computation is told about its request: its size (which decides where it runs) and whether its client left. */
export type ComputeContext = Pick<OperationContext, 'requestBytes' | 'exactNumbers' | 'signal'>;

export interface ServerComputations extends Computations {
  /** See rewriteGatewayBody. */
  rewriteGatewayBody(request: GatewayRewriteRequest, context?: ComputeContext): Promise<GatewayRewrite | undefined>;
}

export function createServerComputations(limits: Partial<Pick<Limits, 'maxKeys'>> = {}): ServerComputations {
  return { ...createComputations(limits), rewriteGatewayBody: (request) => rewriteGatewayBody(request) };
}
