/** @kaizen/tokens: token counting per model family with real offline tokenizers. */
import { resolveModel, type Encoding } from './models.js';
import { loadEncoding, loadedEncoding } from './tokenizers.js';
import type { Counter } from './types.js';

export { resolveModel, UnknownModelError, SUPPORTED_FAMILIES, type ModelTokenizer, type Encoding } from './models.js';
export type { Counter } from './types.js';
export { countSampled, type SampleOptions } from './sampled.js';

export interface TokenCountResult {
  count: number;
  /** True when the model's own tokenizer is not available offline (see README). */
  estimated: boolean;
  encoding: Encoding;
}

/** A synchronous counter for `model` (loads its tokenizer once). Throws UnknownModelError. */
export async function tokenCounter(model: string): Promise<Counter> {
  const { encoding } = resolveModel(model);
  return loadedEncoding(encoding) ?? loadEncoding(encoding);
}

/** Counts the tokens `model` would see for `text`. Throws UnknownModelError for an unknown model. */
export async function countTokens(model: string, text: string): Promise<TokenCountResult> {
  const { encoding, estimated } = resolveModel(model);
  const counter = loadedEncoding(encoding) ?? (await loadEncoding(encoding));
  return { count: counter(text), estimated, encoding };
}
export { isSafeCut, pieceCuts, splitIntoPieces, MIN_PIECE, MAX_PIECE } from './pieces.js';
