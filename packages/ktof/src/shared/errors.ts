/** What kind of input a KtofDecodeError refuses (read `code`, never parse `message`). */
export type KtofDecodeErrorCode =
  /** Not valid KTOF, TOON or JSON text (the reason says what was expected). */
  | 'malformed'
  /** Indentation that is not a multiple of the indent, jumps a level, or uses tabs (strict). */
  | 'indentation'
  /** A header's declared count or width disagrees with what follows (strict). */
  | 'count_mismatch'
  /** A key or header field appears twice in one object (strict). */
  | 'duplicate_key'
  /** Nesting deeper than the maxDepth option, or than the runtime's stack allows. */
  | 'too_deep'
  /** A header lists more columns, or an object more keys, than the maxColumns/maxKeys options allow. */
  | 'too_large'
  /** A decode option is out of range. */
  | 'invalid_option'
  /** The document is not a string, or a stream was used after end(). */
  | 'invalid_input';

/**
 * Thrown by the decoder for any malformed input. `line`/`column` are 1-based (0 when the
 * failure has no place in the text); `reason` says what is wrong, and `message` is
 * `line N, column M: reason`.
 */
export class KtofDecodeError extends Error {
  override readonly name = 'KtofDecodeError';
  readonly reason: string;

  constructor(reason: string, readonly line: number, readonly column: number, readonly code: KtofDecodeErrorCode = 'malformed') {
    super(`line ${line}, column ${column}: ${reason}`);
    this.reason = reason;
  }
}

/** Why the encoder refused (read `code`, never parse `message`). */
export type KtofEncodeErrorCode =
  /** An encode option is out of range. */
  | 'invalid_option'
  /** Something JSON cannot hold: undefined, a function, BigInt, NaN, a Map, a sparse array... */
  | 'not_json'
  /** The value contains itself. */
  | 'cycle'
  /** Nesting deeper than the maxDepth option (`limit`), or than the runtime's stack allows. */
  | 'too_deep'
  /** An object with more keys than the maxKeys option (`limit`). */
  | 'too_large';

/** Where and why a value could not be encoded. */
export interface KtofEncodeErrorDetails {
  code: KtofEncodeErrorCode;
  /** Where in the value, as `a.b[2].c` or `the root value` (absent for option errors). */
  path?: string;
  /** The maxDepth that was exceeded (`too_deep` from the option only). */
  limit?: number;
}

/**
 * Thrown by the encoder for values that are not JSON (undefined, functions, cycles...) or bad
 * options. `message` is `cannot encode <path>: <reason>`, or the reason alone for options.
 */
export class KtofEncodeError extends Error {
  override readonly name = 'KtofEncodeError';
  readonly reason: string;
  readonly code: KtofEncodeErrorCode;
  readonly path: string | undefined;
  readonly limit: number | undefined;

  constructor(reason: string, details: KtofEncodeErrorDetails = { code: 'not_json' }) {
    super(details.path === undefined ? reason : `cannot encode ${details.path}: ${reason}`);
    this.reason = reason;
    this.code = details.code;
    this.path = details.path;
    this.limit = details.limit;
  }
}
