import { DELIMITERS, MARKER_CHARS } from '../shared/chars.js';
import { DEFAULT_MAX_DEPTH } from '../shared/constants.js';
import { KtofEncodeError } from '../shared/errors.js';
import type { EncodeOptions, JsonValue } from '../shared/types.js';
import { normalize } from './normalize.js';
import { Format, type FormatOptions, ITEM_UNSAFE, primitiveText } from './format.js';
import { Planner } from './plan.js';
import { writeInline } from './primitives.js';
import { render } from './render.js';

export { estimateTokens } from './estimate.js';

const INVALID_OPTION = { code: 'invalid_option' } as const;

interface Resolved extends FormatOptions {
  countTokens: ((text: string) => number) | undefined;
  maxDepth: number;
  maxKeys: number;
}

function resolve(options: EncodeOptions | undefined): Resolved {
  const indent = options?.indent ?? 2;
  if (!Number.isInteger(indent) || indent < 1 || indent > 16) throw new KtofEncodeError('the indent option must be an integer from 1 to 16', INVALID_OPTION);
  const delimiter = options?.delimiter ?? ',';
  if (!(DELIMITERS as readonly string[]).includes(delimiter)) {
    throw new KtofEncodeError(`unsupported delimiter ${JSON.stringify(delimiter)}; use one of "," "\\t" "|" ";"`, INVALID_OPTION);
  }
  const lm = options?.lengthMarker ?? options?.length_marker;
  let marker: string | null;
  if (lm === undefined) marker = '';
  else if (lm === false) marker = null;
  else if (lm === true) marker = '#';
  else if (typeof lm === 'string' && lm.length <= 4 && [...lm].every((c) => MARKER_CHARS.includes(c))) marker = lm;
  else throw new KtofEncodeError(`the length marker must be a boolean or up to 4 of the characters ${MARKER_CHARS}`, INVALID_OPTION);
  const countTokens = options?.countTokens;
  if (countTokens !== undefined && typeof countTokens !== 'function') throw new KtofEncodeError('countTokens must be a function', INVALID_OPTION);
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!(maxDepth >= 1)) throw new KtofEncodeError('the maxDepth option must be >= 1', INVALID_OPTION);
  const maxKeys = options?.maxKeys ?? Infinity;
  if (!(maxKeys >= 1)) throw new KtofEncodeError('the maxKeys option must be >= 1', INVALID_OPTION);
  return { indent, delimiter, marker, countTokens, maxDepth, maxKeys };
}

/** Runs `fn`, turning a stack overflow on pathological input into a KtofEncodeError. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RangeError) throw new KtofEncodeError('the value nests too deeply for this runtime; lower the maxDepth option', { code: 'too_deep' });
    throw error;
  }
}

/**
 * Encodes a JSON value as KTOF. The result is never costlier than compact JSON: with
 * `countTokens` that holds exactly for that tokenizer (block text, relaxed inline JSON and compact
 * JSON are all valid KTOF, and the cheapest is returned); otherwise the planner's token model picks
 * between the block text and relaxed inline JSON, which the model never prices above compact JSON.
 */
export function encode(value: unknown, options?: EncodeOptions): string {
  const o = resolve(options);
  return guarded(() => {
    const json = normalize(value, o.maxDepth, o.maxKeys);
    if (json === null || typeof json !== 'object') return primitiveText(json, ITEM_UNSAFE);
    const format = new Format(o);
    const layout = new Planner(format, o.countTokens).root(json);
    const count = o.countTokens;
    if (count === undefined && layout.inline < layout.cost) return format.inline(json).text;
    const lines = render(format, layout);
    const text = lines.length === 1 ? (lines[0] as string) : lines.join('\n');
    if (count === undefined) return text;
    // Exact: the cheapest of the block text, relaxed inline JSON and compact JSON.
    let best = text;
    let bestCost = count(text);
    const relaxed = format.inline(json).text;
    if (relaxed !== text) {
      const c = count(relaxed);
      if (c < bestCost) { best = relaxed; bestCost = c; }
    }
    const compact = jsonStringifyLoses(json) ? writeInline(json, true) : JSON.stringify(json);
    return count(compact) < bestCost ? compact : best;
  });
}

/** Encodes a JSON value as KTOF, one line at a time (`encode` joins these with "\n"). */
export function* encodeLines(value: unknown, options?: EncodeOptions): Generator<string, void, undefined> {
  const text = encode(value, options);
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      yield text.slice(start);
      return;
    }
    yield text.slice(start, nl);
    start = nl + 1;
  }
}

/**
 * JSON.stringify writes -0 as 0 and cannot write a bigint or an exact number text (a symbol after
 * normalize); documents holding one use the quoting inline writer instead.
 */
export function jsonStringifyLoses(v: unknown): boolean {
  const t = typeof v;
  if (t === 'number') return v === 0 && 1 / (v as number) < 0;
  if (t === 'bigint' || t === 'symbol') return true;
  if (v === null || t !== 'object') return false;
  if (Array.isArray(v)) return v.some(jsonStringifyLoses);
  for (const k in v as object) if (Object.hasOwn(v as object, k) && jsonStringifyLoses((v as Record<string, unknown>)[k])) return true;
  return false;
}
