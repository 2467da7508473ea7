/** Maps an engine/protocol KaizenProblem to the SDK error the server's HTTP answer would produce. */
import { isKaizenProblem, type KaizenProblem } from '@kaizen/protocol';
import { apiErrorFor, type KaizenAPIError } from '../errors.js';

export function errorFromProblem(problem: KaizenProblem, requestId: string): KaizenAPIError {
  return apiErrorFor({
    statusCode: problem.status,
    payload: problem.toBody(requestId),
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    requestId,
  });
}

/** A 500 shaped like the server's, for an unexpected failure inside the local engine. */
export function internalError(requestId: string): KaizenAPIError {
  return apiErrorFor({
    statusCode: 500,
    payload: { detail: 'Internal server error', code: 'internal_error', request_id: requestId },
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    requestId,
  });
}

export { isKaizenProblem };
