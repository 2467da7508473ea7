/**
 * Error bodies and codes. Every error body carries `detail`, a machine `code` and the
 * `request_id`; 422 uses FastAPI's shape (`detail` is a list of `{loc, msg, type}`).
 */
import type { z } from 'zod';

/** Machine codes, grouped by the HTTP status they travel with. */
export const ErrorCode = {
  INVALID_PAYLOAD: 'invalid_payload',
  MALFORMED_JSON: 'malformed_json',
  MALFORMED_KTOF: 'malformed_ktof',
  MISSING_API_KEY: 'missing_api_key',
  INVALID_API_KEY: 'invalid_api_key',
  FORBIDDEN: 'forbidden',
  KEY_REVOKED: 'key_revoked',
  NOT_FOUND: 'not_found',
  PAYLOAD_NOT_FOUND: 'payload_not_found',
  PAYLOAD_EXPIRED: 'payload_expired',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  VALIDATION_ERROR: 'validation_error',
  UNKNOWN_TOKEN_MODEL: 'unknown_token_model',
  RATE_LIMITED: 'rate_limited',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  REQUEST_TIMEOUT: 'request_timeout',
  CLIENT_CLOSED_REQUEST: 'client_closed_request',
  INTERNAL_ERROR: 'internal_error',
  BACKEND_UNAVAILABLE: 'backend_unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP status each code travels with. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_payload: 400,
  malformed_json: 400,
  malformed_ktof: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  forbidden: 403,
  key_revoked: 403,
  not_found: 404,
  payload_not_found: 404,
  payload_expired: 410,
  payload_too_large: 413,
  validation_error: 422,
  unknown_token_model: 422,
  rate_limited: 429,
  unsupported_media_type: 415,
  request_timeout: 408,
  /** nginx's status for a client that went away before its answer: logged and counted, never sent. */
  client_closed_request: 499,
  internal_error: 500,
  backend_unavailable: 503,
};

/** One FastAPI validation item. `loc` starts with "body" for request-body problems. */
export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** The body of every error response. */
export interface ErrorBody {
  detail: string | ValidationDetail[];
  code: ErrorCode | (string & {});
  request_id: string;
  /** 400 malformed_ktof: where the decoder stopped (1-based). */
  line?: number;
  column?: number;
  /** 400 malformed_ktof: what is wrong there (`detail` without the location). */
  reason?: string;
}

/** A 422 body. */
export interface ValidationErrorBody extends ErrorBody {
  detail: ValidationDetail[];
}

/**
 * A failure an operation reports to its caller. The server turns it into an HTTP response;
 * the SDK's local client into the same error classes as a remote call.
 */
export class KaizenProblem extends Error {
  override readonly name = 'KaizenProblem';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string | ValidationDetail[],
    /** Extra body fields (e.g. line/column of a KTOF error). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(typeof detail === 'string' ? detail : detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '));
    this.status = ERROR_STATUS[code];
  }

  /** The wire body for this problem. */
  toBody(requestId: string): ErrorBody {
    return { detail: this.detail, code: this.code, request_id: requestId, ...this.extra };
  }
}

/** True for a KaizenProblem, also across bundle copies of this package (by its fields). */
export function isKaizenProblem(error: unknown): error is KaizenProblem {
  if (error instanceof KaizenProblem) return true;
  if (!(error instanceof Error)) return false;
  const e = error as Partial<Record<keyof KaizenProblem, unknown>>;
  return typeof e.code === 'string' && typeof e.status === 'number' && 'detail' in e && typeof e.toBody === 'function';
}

const TYPE_NAMES: Record<string, [type: string, noun: string]> = {
  string: ['string_type', 'a valid string'],
  number: ['float_type', 'a valid number'],
  int: ['int_type', 'a valid integer'],
  boolean: ['bool_type', 'a valid boolean'],
  object: ['dict_type', 'a valid dictionary'],
  record: ['dict_type', 'a valid dictionary'],
  array: ['list_type', 'a valid list'],
};

/**
 * Turns zod issues into FastAPI/pydantic-style detail items, so clients written against the
 * original service keep parsing 422s. `prefix` is prepended to every `loc` (default "body").
 */
export function zodIssuesToDetail(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = ['body']): ValidationDetail[] {
  const out: ValidationDetail[] = [];
  for (const issue of issues) {
    const loc = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ loc: [...loc, key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' });
        break;
      case 'invalid_type': {
        // zod leaves `input` out of issues unless asked to, so fall back to its message.
        const missing = 'input' in issue ? issue.input === undefined : issue.message.endsWith('received undefined');
        if (missing) {
          out.push({ loc, msg: 'Field required', type: 'missing' });
          break;
        }
        const [type, noun] = TYPE_NAMES[issue.expected] ?? ['type_error', `of type ${issue.expected}`];
        out.push({ loc, msg: `Input should be ${noun}`, type });
        break;
      }
      case 'too_small':
        if (issue.origin === 'string') out.push({ loc, msg: `String should have at least ${issue.minimum} character${Number(issue.minimum) === 1 ? '' : 's'}`, type: 'string_too_short' });
        else if (issue.origin === 'array') out.push({ loc, msg: `List should have at least ${issue.minimum} items`, type: 'too_short' });
        else out.push({ loc, msg: `Input should be greater than ${issue.inclusive ? 'or equal to ' : ''}${issue.minimum}`, type: issue.inclusive ? 'greater_than_equal' : 'greater_than' });
        break;
      case 'too_big':
        if (issue.origin === 'string') out.push({ loc, msg: `String should have at most ${issue.maximum} character${Number(issue.maximum) === 1 ? '' : 's'}`, type: 'string_too_long' });
        else if (issue.origin === 'array') out.push({ loc, msg: `List should have at most ${issue.maximum} items`, type: 'too_long' });
        else out.push({ loc, msg: `Input should be less than ${issue.inclusive ? 'or equal to ' : ''}${issue.maximum}`, type: issue.inclusive ? 'less_than_equal' : 'less_than' });
        break;
      case 'invalid_union': {
        const expected = unionExpectations(issue);
        out.push({ loc, msg: expected ? `Input should be ${expected}` : issue.message, type: 'union_type' });
        break;
      }
      case 'custom':
        out.push({ loc, msg: issue.message, type: typeof issue.params?.['pydanticType'] === 'string' ? issue.params['pydanticType'] : 'value_error' });
        break;
      default:
        out.push({ loc, msg: issue.message, type: 'value_error' });
    }
  }
  return out;
}

function unionExpectations(issue: z.core.$ZodIssueInvalidUnion): string | null {
  const nouns = new Set<string>();
  for (const branch of issue.errors) {
    for (const sub of branch) {
      if (sub.code !== 'invalid_type') return null;
      nouns.add(TYPE_NAMES[sub.expected]?.[1] ?? sub.expected);
    }
  }
  return nouns.size ? [...nouns].join(' or ') : null;
}
