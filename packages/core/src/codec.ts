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
    const detail = error.message.replace(/ than maxDepth \((\d+)\); raise the maxDepth option$/, ' than $1 levels, the most the API encodes');
    throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `Cannot encode this value: ${detail}`);
  }
  if (error instanceof RangeError) throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, 'Cannot encode this value: it nests too deeply (the codec takes up to 1000 levels).');
  throw error;
}

/** A 400 carrying where the decoder stopped. */
export function decodeFailure(error: unknown): never {
  if (error instanceof KtofDecodeError) {
    throw new KaizenProblem(ErrorCode.MALFORMED_KTOF, `Malformed KTOF at line ${error.line}, column ${error.column}: ${error.message.replace(/^line \d+, column \d+: /, '')}`, {
      line: error.line,
      column: error.column,
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
