/** The bridge between wire options/errors and the KTOF codec. */
import { decode, KtofDecodeError, KtofEncodeError, type DecodeOptions, type EncodeOptions, type JsonValue, type KtofDecodeErrorCode, type KtofEncodeErrorCode } from '@kaizen/ktof';
import { ErrorCode, KaizenProblem, type ParsedDecodeOptions, type ParsedEncodeOptions } from '@kaizen/protocol';
import { DEFAULT_LIMITS, DEFAULT_MAX_KEYS, MAX_DEPTH, type Limits } from './limits.js';

/** Wire EncodeOptions (snake_case, nulls = default) to codec options. */
export function toEncodeOptions(options: ParsedEncodeOptions | null | undefined, maxKeys = DEFAULT_MAX_KEYS): EncodeOptions {
  const out: EncodeOptions = { maxDepth: MAX_DEPTH, maxKeys };
  if (!options) return out;
  if (options.indent != null) out.indent = options.indent;
  if (options.delimiter != null) out.delimiter = options.delimiter;
  if (options.length_marker != null) out.lengthMarker = options.length_marker;
  return out;
}

/**
 * Wire DecodeOptions to codec options; `strict` defaults to true, depth and header width are
 * bounded, and numbers a JS number cannot hold come back as KtofNumbers (written exactly).
 */
export function toDecodeOptions(options: ParsedDecodeOptions | null | undefined, limits: Partial<Limits> = {}): DecodeOptions {
  const { maxColumns, maxKeys } = { ...DEFAULT_LIMITS, ...limits };
  const out: DecodeOptions = { strict: options?.strict ?? true, maxDepth: MAX_DEPTH, maxColumns, maxKeys, numbers: 'text' };
  if (options?.indent != null) out.indent = options.indent;
  return out;
}

/**
 * A 400 for a value the codec cannot represent, or one nested so deeply that serialising it
 * overflows the stack (JSON.stringify's RangeError); anything else is rethrown (a 500).
 */
export function encodeFailure(error: unknown): never {
  if (error instanceof KtofEncodeError) {
    const detail = error.path === undefined ? apiReason(error.code, error.reason) : `cannot encode ${error.path}: ${apiReason(error.code, error.reason)}`;
    throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `Cannot encode this value: ${detail}`);
  }
  if (error instanceof RangeError) throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `Cannot encode this value: it nests deeper than ${MAX_DEPTH} levels, the most the API takes.`);
  throw error;
}

/** The codec's reason in the API's words: its depth advice names an option (maxDepth) the API does not have. */
function apiReason(code: KtofEncodeErrorCode | KtofDecodeErrorCode, reason: string): string {
  return code === 'too_deep' ? `nesting deeper than ${MAX_DEPTH} levels, the most the API takes` : reason;
}

/** A 400 carrying where the decoder stopped. */
export function decodeFailure(error: unknown): never {
  if (error instanceof KtofDecodeError) {
    const reason = apiReason(error.code, error.reason);
    throw new KaizenProblem(ErrorCode.MALFORMED_KTOF, `Malformed KTOF at line ${error.line}, column ${error.column}: ${reason}`, {
      line: error.line,
      column: error.column,
      reason,
    });
  }
  throw error;
}

/** Strict KTOF decode with codec errors turned into 400s. */
export function decodeStrict(text: string, options: DecodeOptions): JsonValue {
  try {
    return decode(text, options);
  } catch (error) {
    return decodeFailure(error);
  }
}

/** A 400 when a required value is null (the schema lets `null` through for `data`/`prompt`). */
export function requireValue(value: unknown, field: string): void {
  if (value === null || value === undefined) throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `\`${field}\` is required and must not be null.`);
}

/** A 400 for a prompt that carries nothing: `{}`, `[]` or `""` (as the original service answers). */
export function requireNonEmptyPrompt(prompt: unknown): void {
  const empty = prompt === '' || (Array.isArray(prompt) ? prompt.length === 0 : typeof prompt === 'object' && prompt !== null && Object.keys(prompt).length === 0);
  if (empty) throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, '`prompt` is empty: send the request to encode, e.g. {"messages": [{"role": "user", "content": "Hello"}]}.');
}

/** A 400 when a KTOF text is blank. */
export function requireText(text: string, field: string, hint = 'send KTOF text'): void {
  if (text.trim() === '') throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `\`${field}\` is empty: ${hint}.`);
}
