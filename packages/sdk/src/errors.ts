/**
 * The SDK's error classes. Remote and local clients throw the same classes, so callers write
 * one `catch`. Every class carries a stable `name`, and API errors carry the wire body.
 */
import type { ValidationDetail } from '@kaizen/protocol';

/** Base class of every error the SDK throws. */
export class KaizenError extends Error {
  override name = 'KaizenError';
}

/** The request never produced an HTTP response (DNS, refused, reset, TLS...). `cause` is the original error. */
export class KaizenRequestError extends KaizenError {
  override name = 'KaizenRequestError';
  constructor(
    message: string,
    options?: { cause?: unknown },
    /** The X-Request-ID the call was sent with. */
    readonly requestId?: string,
  ) {
    super(message, options);
  }
}

/** An attempt took longer than the configured `timeout` (or `connectTimeout`). */
export class KaizenTimeoutError extends KaizenRequestError {
  override name = 'KaizenTimeoutError';
}

/** The caller's AbortSignal fired. Never retried. `cause` is the signal's reason. */
export class KaizenAbortError extends KaizenError {
  override name = 'KaizenAbortError';
}

/** Everything known about a non-2xx answer. */
export interface KaizenAPIErrorInit {
  statusCode: number;
  /** The parsed JSON body, or the raw text when the body was not JSON. */
  payload: unknown;
  headers: Record<string, string>;
  /** The id the call was sent with (used when the response names none). */
  requestId?: string | undefined;
  message?: string;
}

/** The server answered with a non-2xx status. Subclasses exist per status family. */
export class KaizenAPIError extends KaizenError {
  override name = 'KaizenAPIError';
  readonly statusCode: number;
  readonly payload: unknown;
  /** Response headers, lower-case names. */
  readonly headers: Record<string, string>;
  readonly requestId: string | undefined;
  /** `detail` of the error body: a message, or FastAPI-style items for 422. */
  readonly detail: string | ValidationDetail[] | undefined;
  /** The machine `code` of the error body (e.g. `payload_expired`), when present. */
  readonly code: string | undefined;

  constructor(init: KaizenAPIErrorInit) {
    const body = isRecord(init.payload) ? init.payload : undefined;
    const detail = body && (typeof body.detail === 'string' || Array.isArray(body.detail)) ? (body.detail as string | ValidationDetail[]) : undefined;
    super(init.message ?? describe(init.statusCode, detail, init.payload));
    this.statusCode = init.statusCode;
    this.payload = init.payload;
    this.headers = init.headers;
    this.detail = detail;
    this.code = body && typeof body.code === 'string' ? body.code : undefined;
    // What the server says wins (it echoes ours when we sent one); ours is the fallback.
    this.requestId = init.headers['x-request-id'] ?? (body && typeof body.request_id === 'string' ? body.request_id : undefined) ?? init.requestId;
  }
}

/** 400: the payload is well-formed JSON but not acceptable (e.g. malformed KTOF). */
export class KaizenBadRequestError extends KaizenAPIError {
  override name = 'KaizenBadRequestError';
}
/** 401: missing or invalid API key. */
export class KaizenAuthenticationError extends KaizenAPIError {
  override name = 'KaizenAuthenticationError';
}
/** 403: the key is valid but not allowed here. */
export class KaizenPermissionError extends KaizenAPIError {
  override name = 'KaizenPermissionError';
}
/** 404: unknown route, or unknown payload id. */
export class KaizenNotFoundError extends KaizenAPIError {
  override name = 'KaizenNotFoundError';
}
/** 409: conflict (retried by default). */
export class KaizenConflictError extends KaizenAPIError {
  override name = 'KaizenConflictError';
}
/** 410: the payload id's retention window has passed. */
export class KaizenGoneError extends KaizenAPIError {
  override name = 'KaizenGoneError';
}
/** 413: the payload is larger than the plan allows. */
export class KaizenPayloadTooLargeError extends KaizenAPIError {
  override name = 'KaizenPayloadTooLargeError';
}
/**
 * 422: schema validation failed. Also thrown locally, before any network traffic, when a
 * request does not match the shared schema; `detail` then has the items the server would send.
 */
export class KaizenValidationError extends KaizenAPIError {
  override name = 'KaizenValidationError';
  /** The FastAPI-style items (empty when the server sent a plain string). */
  get errors(): ValidationDetail[] {
    return Array.isArray(this.detail) ? this.detail : [];
  }
}
/** 429: rate limited. `retryAfter` is the server's hint in seconds, when it sent one. */
export class KaizenRateLimitError extends KaizenAPIError {
  override name = 'KaizenRateLimitError';
  readonly retryAfter: number | undefined;
  constructor(init: KaizenAPIErrorInit & { retryAfter?: number | undefined }) {
    super(init);
    this.retryAfter = init.retryAfter;
  }
}
/** 5xx: the service failed. The body never carries internals. */
export class KaizenServerError extends KaizenAPIError {
  override name = 'KaizenServerError';
}

/** Builds the right subclass for a status code. */
export function apiErrorFor(init: KaizenAPIErrorInit & { retryAfter?: number | undefined }): KaizenAPIError {
  const status = init.statusCode;
  switch (status) {
    case 400:
      return new KaizenBadRequestError(init);
    case 401:
      return new KaizenAuthenticationError(init);
    case 403:
      return new KaizenPermissionError(init);
    case 404:
      return new KaizenNotFoundError(init);
    case 409:
      return new KaizenConflictError(init);
    case 410:
      return new KaizenGoneError(init);
    case 413:
      return new KaizenPayloadTooLargeError(init);
    case 422:
      return new KaizenValidationError(init);
    case 429:
      return new KaizenRateLimitError(init);
  }
  return status >= 500 ? new KaizenServerError(init) : new KaizenAPIError(init);
}

function describe(status: number, detail: string | ValidationDetail[] | undefined, payload: unknown): string {
  if (typeof detail === 'string') return `${status}: ${detail}`;
  if (Array.isArray(detail)) return `${status}: ${detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ')}`;
  if (typeof payload === 'string' && payload.length) return `${status}: ${payload.length > 200 ? `${payload.slice(0, 200)}…` : payload}`;
  return `${status}: request failed`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
