/**
 * @kaizen/prompt — interim surface (issue 5 fills it). @kaizen/core calls exactly these:
 * optimize.request and prompts.encode return `encodePrompt(...).prompt` as `result` (a chat
 * request keeps its shape with JSON inside strings rewritten as KTOF; any other JSON value
 * becomes one KTOF string) and put `detections` in `meta`; prompts.decode with inline text and
 * optimize.response use `decodeReply`; prompts.decode by payload id returns the stored original.
 */
import { encode, decode, type EncodeOptions, type DecodeOptions, type JsonValue } from '@kaizen/ktof';

export interface Detection {
  /** JSON-pointer-like path of the string that held JSON, e.g. "/messages/2/content". */
  path: string;
  kind: 'whole' | 'fenced' | 'embedded' | 'value';
  originalTokens?: number;
  encodedTokens?: number;
}

export interface EncodePromptOptions {
  autoDetectJson?: boolean;
  schemas?: Record<string, unknown>;
  encodeOptions?: EncodeOptions;
  /** Counts tokens for the "never grow" check; an estimate is used when absent. */
  countTokens?: (text: string) => number;
}

export interface EncodedPrompt {
  /** The prompt with JSON re-expressed as KTOF (same shape as the input when it was a chat request). */
  prompt: JsonValue;
  /** The whole prompt as one KTOF text (for callers that want a single string). */
  ktof: string;
  detections: Detection[];
}

export function encodePrompt(prompt: JsonValue, options: EncodePromptOptions = {}): EncodedPrompt {
  const ktof = encode(prompt, options.encodeOptions);
  return { prompt, ktof, detections: [] };
}

/** Inverse of encodePrompt(...).prompt: restores every rewritten string byte for byte. */
export function decodePrompt(encoded: JsonValue, _options: DecodeOptions = {}): JsonValue {
  return encoded;
}

export interface DecodedReply {
  /** true when KTOF was found and decoded; false when the reply is returned as text. */
  isKtof: boolean;
  value: JsonValue;
  source: 'whole' | 'fenced' | 'none';
}

export function decodeReply(text: string, options: DecodeOptions = {}): DecodedReply {
  try {
    return { isKtof: true, value: decode(text, options), source: 'whole' };
  } catch {
    return { isKtof: false, value: text, source: 'none' };
  }
}
