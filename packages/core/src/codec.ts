/** The bridge between wire options/errors and the KTOF codec. */
import { decode, KtofDecodeError, KtofEncodeError, type DecodeOptions, type EncodeOptions, type JsonValue } from '@kaizen/ktof';
import { ErrorCode, KaizenProblem, type ParsedDecodeOptions, type ParsedEncodeOptions } from '@kaizen/protocol';

/** Wire EncodeOptions (snake_case, nulls = default) to codec options. */
export function toEncodeOptions(options: ParsedEncodeOptions | null | undefined): EncodeOptions | undefined {
  if (!options) return undefined;
  const out: EncodeOptions = {};
  if (options.indent != null) out.indent = options.indent;
  if (options.delimiter != null) out.delimiter = options.delimiter;
  if (options.length_marker != null) out.lengthMarker = options.length_marker;
  return out;
}

/** Wire DecodeOptions to codec options; `strict` defaults to true, depth is bounded. */
export function toDecodeOptions(options: ParsedDecodeOptions | null | undefined, maxDepth: number): DecodeOptions {
  const out: DecodeOptions = { strict: options?.strict ?? true, maxDepth };
  if (options?.indent != null) out.indent = options.indent;
  return out;
}

/**
 * A 400 for a value the codec cannot represent, or one nested so deeply that serialising it
 * overflows the stack (JSON.stringify's RangeError); anything else is rethrown (a 500).
 */
export function encodeFailure(error: unknown): never {
  if (error instanceof KtofEncodeError) {
    // The codec's advice names its maxDepth option, which the API does not expose.
    const reason = error.code === 'too_deep' && error.limit !== undefined ? `nesting deeper than ${error.limit} levels, the most the API encodes` : error.reason;
    const detail = error.path === undefined ? reason : `cannot encode ${error.path}: ${reason}`;
    throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `Cannot encode this value: ${detail}`);
  }
  if (error instanceof RangeError) throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, 'Cannot encode this value: it nests too deeply (the codec takes up to 1000 levels).');
  throw error;
}

/** A 400 carrying where the decoder stopped. */
export function decodeFailure(error: unknown): never {
  if (error instanceof KtofDecodeError) {
    throw new KaizenProblem(ErrorCode.MALFORMED_KTOF, `Malformed KTOF at line ${error.line}, column ${error.column}: ${error.reason}`, {
      line: error.line,
      column: error.column,
      reason: error.reason,
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

/** A 400 when a KTOF text is blank. */
export function requireText(text: string, field: string, hint = 'send KTOF text'): void {
  if (text.trim() === '') throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `\`${field}\` is empty: ${hint}.`);
}
