import { ErrorCode, KaizenProblem, zodIssuesToDetail } from './errors.js';
import { ROUTES, type BodyRouteName, type ParsedBodies } from './routes.js';

/**
 * Validates a request body against its route's schema. Throws a 422 KaizenProblem with
 * FastAPI-shaped detail on failure; returns the parsed body (defaults applied) on success.
 */
export function parseRequest<R extends BodyRouteName>(route: R, body: unknown): ParsedBodies[R] {
  const parsed = ROUTES[route].body.safeParse(body);
  if (!parsed.success) throw new KaizenProblem(ErrorCode.VALIDATION_ERROR, zodIssuesToDetail(parsed.error.issues));
  return parsed.data as ParsedBodies[R];
}
