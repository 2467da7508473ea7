/** Size and token statistics of an encoding: UTF-8 bytes of compact JSON vs KTOF. */
import { KaizenProblem, ErrorCode, type Stats, type TokenStats } from '@kaizen/protocol';
import { countSampled, resolveModel, tokenCounter, UnknownModelError, type Counter } from '@kaizen/tokens';
import { stringifyJson } from '@kaizen/ktof';
import { TextCache } from './text-cache.js';

// Node's native count when present (the SDK's local engine also runs in browsers).
const nativeByteLength = (globalThis as { Buffer?: { byteLength(text: string, encoding: 'utf8'): number } }).Buffer?.byteLength;

/** UTF-8 byte length without allocating (TextEncoder would copy the whole string); lone surrogates count as U+FFFD (3). */
export function utf8Length(text: string): number {
  return nativeByteLength ? nativeByteLength(text, 'utf8') : portableUtf8Length(text);
}

/** utf8Length in plain JavaScript (browsers). */
export function portableUtf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The text a value is measured as: strings as themselves, anything else as compact JSON (numbers exact). */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : (stringifyJson(value) ?? '');
}

export interface ModelCounter {
  model: string;
  count: Counter;
  estimated: boolean;
  encoding: string;
  /** True when the request is too large to count whole: its stats come from samples (see withinCountBudget). */
  sampled?: boolean;
}

const caches = new Map<string, Counter>();

/**
 * The counter of an encoding behind a shared cache of recent strings (4 M characters per
 * encoding): each distinct system prompt, tool result or earlier turn is counted once.
 */
function cachedCounter(encoding: string, count: Counter): Counter {
  let cached = caches.get(encoding);
  if (!cached) {
    const seen = new TextCache<number>(4_000_000);
    cached = (text) => {
      let n = seen.get(text);
      if (n === undefined) seen.set(text, (n = count(text)));
      return n;
    };
    caches.set(encoding, cached);
  }
  return cached;
}

/**
 * Resolves and loads the counters of the requested models. Unknown names fail together as
 * one 422 whose items point at each bad entry of `token_models`.
 */
export async function loadCounters(models: readonly string[] | null | undefined): Promise<ModelCounter[]> {
  if (!models || models.length === 0) return [];
  const unique = [...new Set(models)];
  const problems = [];
  for (const [index, model] of models.entries()) {
    try {
      resolveModel(model);
    } catch (error) {
      if (!(error instanceof UnknownModelError)) throw error;
      problems.push({ loc: ['body', 'token_models', index], msg: error.message, type: 'value_error' });
    }
  }
  if (problems.length) throw new KaizenProblem(ErrorCode.UNKNOWN_TOKEN_MODEL, problems);
  return Promise.all(
    unique.map(async (model) => {
      const { estimated, encoding } = resolveModel(model);
      return { model, count: cachedCounter(encoding, await tokenCounter(model)), estimated, encoding };
    }),
  );
}

/**
 * Size, in characters of JSON, above which a request's tokens are counted from samples.
 * Byte-pair encoding runs on the request thread and costs about 50 ns a character on prose but
 * up to 4 µs on random text (base64, hashes, gibberish): 512 K characters of random words took
 * about 0.5 s per model to count whole. Past this size the stats count 32 K characters of
 * evenly spaced windows over each side's texts and scale them (within about 1% of the exact
 * count on JSON records, numbers, prose and base64), and say `estimated: true`; the choices
 * inside encoding (is a fragment worth rewriting?) use the structural estimate.
 */
export const MAX_EXACT_COUNT_CHARS = 512 * 1024;

/** `counters`, or the same marked `sampled` and `estimated` when `jsonChars` is over MAX_EXACT_COUNT_CHARS. */
export function withinCountBudget(counters: ModelCounter[], jsonChars: number): ModelCounter[] {
  if (jsonChars <= MAX_EXACT_COUNT_CHARS) return counters;
  return counters.map((counter) => ({ ...counter, estimated: true, sampled: true }));
}

/** The counter encoding decisions use: the first model's, or none (the structural estimate) when there is none or the request is sampled. */
export function decisionCounter(counters: readonly ModelCounter[]): ModelCounter | undefined {
  const first = counters[0];
  return first && !first.sampled ? first : undefined;
}

/** What a decision counter counts with, as a cache key: its encoding, or "estimate". */
export function countedWith(counter: ModelCounter | undefined): string {
  return counter === undefined ? 'estimate' : counter.encoding;
}

/**
 * How a prompt is measured in tokens. A prompt that encoding turned into one KTOF string is
 * compared as its JSON text; a request that kept its shape (a chat request whose strings were
 * rewritten) is counted over its string values, the text the model reads. Keys, numbers and
 * punctuation of the request envelope are not model input and are the same on both sides.
 */
export function promptTokenText(value: unknown, encodedIsText: boolean): string[] {
  if (encodedIsText || typeof value === 'string') return [asText(value)];
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') out.push(node);
    else if (Array.isArray(node)) for (const item of node) visit(item);
    else if (node !== null && typeof node === 'object') for (const item of Object.values(node)) visit(item);
  };
  visit(value);
  return out;
}

export interface Measurement {
  stats: Stats;
  token_stats: TokenStats;
}

/**
 * Stats of `original` (JSON text) vs `compressed` (KTOF text): bytes of those texts, tokens
 * of `tokenTexts` (default: the same texts) per counter.
 */
export function measure(
  original: string,
  compressed: string,
  counters: readonly ModelCounter[],
  tokenTexts: { original: readonly string[]; compressed: readonly string[] } = { original: [original], compressed: [compressed] },
): Measurement {
  const originalBytes = utf8Length(original);
  const compressedBytes = utf8Length(compressed);
  const stats: Stats = {
    original_bytes: originalBytes,
    compressed_bytes: compressedBytes,
    reduction_ratio: originalBytes === 0 ? 1 : round(compressedBytes / originalBytes),
    bytes_saved: originalBytes - compressedBytes,
  };
  const token_stats: TokenStats = {};
  if (counters.length) {
    const saved: Record<string, number> = {};
    for (const { model, count, estimated, encoding, sampled } of counters) {
      let before = 0;
      let after = 0;
      if (sampled) {
        before = countSampled(count, tokenTexts.original);
        after = countSampled(count, tokenTexts.compressed);
      } else {
        for (const text of tokenTexts.original) before += count(text);
        for (const text of tokenTexts.compressed) after += count(text);
      }
      token_stats[model] = { original: before, compressed: after, estimated, encoding };
      saved[model] = before - after;
    }
    stats.tokens_saved = saved;
  }
  return { stats, token_stats };
}

function round(ratio: number): number {
  return Math.round(ratio * 10_000) / 10_000;
}
