import { ErrorCode, KaizenProblem, zodIssuesToDetail } from './errors.js';
import { OPERATIONS, type OperationName, type Parsed } from './routes.js';

/**
 * Validates a request against its operation's schema. Throws a 422 KaizenProblem with
 * FastAPI-shaped detail on failure; returns the parsed request (defaults applied) on success.
 * This is the one place a route meets its request type: every caller gets `Parsed<K>` from here.
 */
export function parseRequest<K extends OperationName>(name: K, body: unknown): Parsed<K> {
  const parsed = OPERATIONS[name].request.safeParse(body);
  if (!parsed.success) throw new KaizenProblem(ErrorCode.VALIDATION_ERROR, zodIssuesToDetail(parsed.error.issues));
  // TypeScript cannot carry a generic key through zod's output type (the union of all outputs
  // comes back), so the row's own output type is restated here; the table guarantees it.
  return parsed.data as Parsed<K>;
}
