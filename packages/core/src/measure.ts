/** Size and token statistics of an encoding: UTF-8 bytes of compact JSON vs KTOF. */
import { KaizenProblem, ErrorCode, type Stats, type TokenStats } from '@kaizen/protocol';
import type { Counter } from '@kaizen/tokens';
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

/**
 * UTF-8 bytes of `stringifyJson(value)` (compact JSON, numbers exact), counted without writing
 * that text: the stats of compress and decompress need only its size, and a document's JSON can be
 * tens of megabytes. Values JSON.stringify would not write as stringifyJson does (-0, bigints,
 * KtofNumbers, toJSON...) are measured by writing them.
 */
export function jsonByteLength(value: unknown): number {
  try {
    const bytes = plainJsonBytes(value);
    if (bytes !== undefined) return bytes;
  } catch (error) {
    // Nested past the stack: stringifyJson below fails as it always did.
    if (!(error instanceof RangeError)) throw error;
  }
  return utf8Length(stringifyJson(value) ?? '');
}

/** JSON.stringify's bytes for plain JSON (its rules for undefined and functions included), or undefined where stringifyJson writes otherwise. */
function plainJsonBytes(value: unknown): number | undefined {
  switch (typeof value) {
    case 'string':
      return quotedBytes(value);
    case 'number':
      if (value === 0 && 1 / value < 0) return undefined; // -0: stringifyJson writes "-0"
      if (Number.isSafeInteger(value)) return integerLength(value);
      return value - value === 0 ? String(value).length : 4; // NaN and infinities: null
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      break;
    default:
      return undefined; // undefined, functions, symbols, bigints at the top or where exactness matters
  }
  if (value === null) return 4;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' || !(Array.isArray(value) || isPlainRecord(value))) return undefined;
  let bytes = 2;
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const itemBytes = item === undefined || typeof item === 'function' ? 4 : plainJsonBytes(item);
      if (itemBytes === undefined) return undefined;
      bytes += itemBytes;
    }
    return bytes + Math.max(0, value.length - 1);
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (item === undefined || typeof item === 'function') continue;
    const itemBytes = plainJsonBytes(item);
    if (itemBytes === undefined) return undefined;
    bytes += quotedBytes(key) + 1 + itemBytes;
    count++;
  }
  return bytes + Math.max(0, count - 1);
}

/** An object JSON.stringify writes as its own keys, as stringifyJson does: not a KtofNumber, RawJson or other class instance. */
function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Characters of a safe integer written out, without writing it (most numbers in data are integers). */
function integerLength(n: number): number {
  let length = n < 0 ? 2 : 1;
  for (let rest = Math.abs(n); rest >= 10; rest = Math.floor(rest / 10)) length++;
  return length;
}

/** Printable ASCII but `"` and `\`: one byte a character, nothing escaped (most keys and values). */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** UTF-8 bytes of a string as JSON.stringify quotes it (escapes, and lone surrogates as \uXXXX). */
function quotedBytes(text: string): number {
  if (PLAIN_ASCII.test(text)) return text.length + 2;
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code >= 0x20) bytes += code === 0x22 || code === 0x5c ? 2 : 1;
      else bytes += code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
    } else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6;
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
 * @kaizen/tokens, loaded by the first request that names a model: compress and decompress never
 * count tokens, and a process that only runs them (the CLI's encode) does not pay for loading it.
 */
let tokens: typeof import('@kaizen/tokens') | undefined;

/**
 * Texts longer than this are counted as the sum of their pieces (@kaizen/tokens
 * `splitIntoPieces`), each piece through the cache: exact, as the pieces are cut only where the
 * tokenizers' pre-tokenizers always split. A conversation's JSON and KTOF grow by a turn per
 * request and differ as wholes every time, but their pieces up to the new turn are the previous
 * request's pieces, so only the new part is counted. Shorter texts are looked up whole.
 */
export const PIECEWISE_CHARS = 2048;

/**
 * The counter of an encoding behind a shared cache of recent strings (4 M characters per
 * encoding): each distinct system prompt, tool result, earlier turn or piece of a long text is
 * counted once. `count` is the tokens package's counter, whose long-run guard applies per piece
 * as it did per text (a piece never ends inside a run of letters or of punctuation, so the guard
 * cuts the pieces where it cut the whole); a sampled request (withinCountBudget) calls this
 * counter on its windows, which are no longer than PIECEWISE_CHARS and so are counted whole.
 */
function cachedCounter(encoding: string, count: Counter, split: (text: string) => string[]): Counter {
  let cached = caches.get(encoding);
  if (!cached) {
    const seen = new TextCache<number>(4_000_000);
    const counted = (text: string): number => {
      let n = seen.get(text);
      if (n === undefined) seen.set(text, (n = count(text)));
      return n;
    };
    cached = (text) => {
      if (text.length <= PIECEWISE_CHARS) return counted(text);
      // A long text sent again exactly (a retry, the same prompt from many callers) is one lookup.
      let n = seen.get(text);
      if (n === undefined) {
        n = 0;
        for (const piece of split(text)) n += counted(piece);
        seen.set(text, n);
      }
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
  tokens ??= await import('@kaizen/tokens');
  const { resolveModel, tokenCounter, UnknownModelError, splitIntoPieces } = tokens;
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
      return { model, count: cachedCounter(encoding, await tokenCounter(model), splitIntoPieces), estimated, encoding };
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
  const stats = sizeStats(utf8Length(original), utf8Length(compressed));
  const token_stats: TokenStats = {};
  if (counters.length) {
    const saved: Record<string, number> = {};
    for (const { model, count, estimated, encoding, sampled } of counters) {
      let before = 0;
      let after = 0;
      if (sampled) {
        // A sampled counter came from loadCounters, which loaded the tokens package.
        before = tokens!.countSampled(count, tokenTexts.original);
        after = tokens!.countSampled(count, tokenTexts.compressed);
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

/** The size half of the stats, from UTF-8 byte counts of the original JSON and of the KTOF. */
export function sizeStats(originalBytes: number, compressedBytes: number): Stats {
  return {
    original_bytes: originalBytes,
    compressed_bytes: compressedBytes,
    reduction_ratio: originalBytes === 0 ? 1 : round(compressedBytes / originalBytes),
    bytes_saved: originalBytes - compressedBytes,
  };
}

function round(ratio: number): number {
  return Math.round(ratio * 10_000) / 10_000;
}
