/** Turns failures into error responses: `{detail, code, request_id}` and the right status. */
import type { Context } from 'hono';
import { ErrorCode, isKaizenProblem, KaizenProblem } from '@kaizen/protocol';
import { isBackendUnavailable } from '../backends/types.js';
import type { AppEnv } from './env.js';

/** Seconds a client should wait after a 503. */
export const BACKEND_RETRY_AFTER_SECONDS = 5;

/** A JSON error response for a problem. */
export function problemResponse(c: Context<AppEnv>, problem: KaizenProblem, headers: Record<string, string> = {}): Response {
  const body = JSON.stringify(problem.toBody(c.get('requestId') ?? ''));
  return new Response(body, { status: problem.status, headers: { 'content-type': 'application/json', ...headers } });
}

/** Classifies any thrown value; `log` receives the ones that are our fault. */
export function errorResponse(c: Context<AppEnv>, error: unknown, log: (error: unknown) => void): Response {
  if (isKaizenProblem(error)) return problemResponse(c, error);
  if (isBackendUnavailable(error)) {
    log(error);
    return problemResponse(
      c,
      new KaizenProblem(ErrorCode.BACKEND_UNAVAILABLE, 'The storage backend is unavailable; retry shortly.'),
      { 'retry-after': String(BACKEND_RETRY_AFTER_SECONDS) },
    );
  }
  log(error);
  return problemResponse(c, new KaizenProblem(ErrorCode.INTERNAL_ERROR, 'Internal server error. Quote the request_id when reporting it.'));
}
