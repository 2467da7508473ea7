/**
 * Gateway errors in the vendor's own shape, so the caller's SDK raises its usual exception
 * with our message: Kaizen's problems (auth, rate limit, body size), a missing vendor key,
 * and an upstream that cannot be reached (502) or does not answer in time (504). Errors the
 * upstream itself returns are not made here: they pass through with their status and body.
 */
import type { Context } from 'hono';
import { ErrorCode, isKaizenProblem, KaizenProblem } from '@kaizen/protocol';
import type { AppEnv } from '../http/env.js';
import { RateLimited } from '../http/rate-limit.js';
import type { Vendor } from './vendors.js';

/** A gateway failure with its status and a machine-readable code. */
export class GatewayProblem extends Error {
  override readonly name = 'GatewayProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The response for any error thrown on a gateway route; `log` gets the ones that are our fault. */
export function vendorErrorResponse(c: Context<AppEnv>, vendor: Vendor, error: unknown, log: (error: unknown) => void): Response {
  let problem: GatewayProblem;
  if (error instanceof GatewayProblem) problem = error;
  else if (isKaizenProblem(error)) {
    const headers: Record<string, string> = error instanceof RateLimited ? error.headers : {};
    // The rest of an oversized body was never read: do not reuse this connection.
    if (error.code === ErrorCode.PAYLOAD_TOO_LARGE) headers['connection'] = 'close';
    problem = new GatewayProblem(error.status, error.code, (error as KaizenProblem).message, headers);
  } else {
    log(error);
    problem = new GatewayProblem(500, ErrorCode.INTERNAL_ERROR, 'Internal error in the Kaizen gateway. Quote the request_id when reporting it.');
  }
  const body = JSON.stringify(vendor.errorBody(problem.status, problem.message, problem.code, c.get('requestId') ?? ''));
  return new Response(body, { status: problem.status, headers: { 'content-type': 'application/json', ...problem.headers } });
}
