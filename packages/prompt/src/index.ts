/**
 * @kaizen/prompt — interim surface (issue 5 fills it). The server's prompt routes and the
 * SDK's local client call exactly these two functions.
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
  /** The whole prompt as one KTOF text (what prompts.encode stores and returns in `result`). */
  ktof: string;
  detections: Detection[];
}

export function encodePrompt(prompt: JsonValue, options: EncodePromptOptions = {}): EncodedPrompt {
  const ktof = encode(prompt, options.encodeOptions);
  return { prompt, ktof, detections: [] };
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
