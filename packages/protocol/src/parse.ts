import type * as z from 'zod';
import { ErrorCode, KaizenProblem, zodIssuesToDetail } from './errors.js';
import { OPERATIONS, type Envelope, type OperationName, type Parsed } from './routes.js';

/**
 * The table seen through each row's own request type. The compiler checks this assignment row
 * by row; indexed with a generic key it keeps that key's type, where indexing OPERATIONS itself
 * gives the union of every row's schema.
 */
const TYPED_ROWS: { readonly [K in OperationName]: { readonly request: z.ZodType<Parsed<K>> } } = OPERATIONS;

/**
 * Validates a request against its operation's schema. Throws a 422 KaizenProblem with
 * FastAPI-shaped detail on failure; returns the parsed request (defaults applied) on success.
 * This is the one place a route meets its request type: every caller gets `Parsed<K>` from here.
 */
export function parseRequest<K extends OperationName>(name: K, body: unknown): Parsed<K> {
  const schema: z.ZodType<Parsed<K>> = TYPED_ROWS[name].request;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new KaizenProblem(ErrorCode.VALIDATION_ERROR, zodIssuesToDetail(parsed.error.issues));
  return parsed.data;
}

/**
 * Whether a JSON value read off the wire is the success envelope of operation `name`: an
 * object whose `operation` is the row's and whose `status` is "ok". This is where a client
 * turns a server's answer into `Envelope<K>`; the fields inside are the server's to keep
 * (its OpenAPI response tests hold it to them), so they are not walked here.
 */
export function isEnvelopeOf<K extends OperationName>(name: K, value: unknown): value is Envelope<K> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { operation, status } = value as { operation?: unknown; status?: unknown };
  return operation === OPERATIONS[name].operation && status === 'ok';
}
