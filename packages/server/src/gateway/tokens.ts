/**
 * Token counting for gateway requests: the request's model picks the tokenizer (the vendor's
 * usual one, marked estimated, for models @kaizen/tokens does not know), and each distinct
 * string is counted once: an agent loop resends its whole history on every turn.
 */
import { estimateTokens } from '@kaizen/prompt';
import { resolveModel, tokenCounter, UnknownModelError } from '@kaizen/tokens';
import { TextCache } from '@kaizen/core';

export interface RequestCounter {
  count(text: string): number;
  /** Tokenizer name (o200k_base, cl100k_base, claude, estimate). */
  encoding: string;
  /** True when the count is not the model's own tokenizer (strings over MAX_EXACT_COUNT_STRING are estimated too). */
  estimated: boolean;
}

/** Characters of counted strings remembered per tokenizer. */
const COUNT_CACHE_CHARS = 4_000_000;
/**
 * Longer strings are counted with the structural estimate: byte-pair encoding costs up to 4 µs
 * a character on random text (base64, hashes), which would hold up every other request. Decided
 * per string, not per request, so a string is counted the same way on every turn (see rewrite.ts).
 */
export const MAX_EXACT_COUNT_STRING = 64 * 1024;

const counters = new Map<string, RequestCounter>();

async function counterFor(model: string, fallbackModel: string): Promise<RequestCounter> {
  let resolved;
  let unknown = false;
  try {
    resolved = resolveModel(model);
  } catch (error) {
    if (!(error instanceof UnknownModelError)) throw error;
    resolved = resolveModel(fallbackModel);
    unknown = true;
  }
  const key = `${resolved.encoding}${unknown || resolved.estimated ? '~' : ''}`;
  let counter = counters.get(key);
  if (!counter) {
    const raw = await tokenCounter(unknown ? fallbackModel : model);
    const seen = new TextCache<number>(COUNT_CACHE_CHARS);
    counter = {
      count(text) {
        if (text.length > MAX_EXACT_COUNT_STRING) return estimateTokens(text);
        let n = seen.get(text);
        if (n === undefined) seen.set(text, (n = raw(text)));
        return n;
      },
      encoding: resolved.encoding,
      estimated: unknown || resolved.estimated,
    };
    counters.set(key, counter);
  }
  return counter;
}

/** The counter for a request's `model` field (any value; a non-string uses the vendor default). */
export function requestCounter(model: unknown, fallbackModel: string): Promise<RequestCounter> {
  return counterFor(typeof model === 'string' && model !== '' ? model : fallbackModel, fallbackModel);
}
