/**
 * The one change the proxy makes: a tool result's text items that hold JSON become KTOF when
 * that saves tokens. A text is rewritten only when the rewrite is provably lossless and smaller:
 * - it parses as a JSON object or array, and re-serialising the parsed value gives back the
 *   text minus its insignificant whitespace (so `1.0`, `1e3`, big integers, duplicate keys or
 *   `\u00e9` escapes, which JSON.parse would alter, leave the text as it is);
 * - the KTOF decodes back to exactly that compact JSON (checked on every rewrite);
 * - the KTOF has fewer tokens and no more bytes than the original text.
 * Everything else in the result (other items, `structuredContent`, `_meta`, error results) is
 * kept as it is; `structuredContent` is what programs read and must still match the tool's
 * outputSchema, while the text items are what the model reads.
 */
import { decode, encode } from '@kaizen/ktof';
import { countSampled, type Counter } from '@kaizen/tokens';

export interface RewriteSettings {
  /** Texts shorter than this many UTF-8 bytes are left alone. */
  minBytes: number;
  /** The tokenizer that decides whether KTOF is cheaper. */
  count: Counter;
}

/** What happened to one text item. */
export interface ItemOutcome {
  bytesBefore: number;
  bytesAfter: number;
  tokensBefore: number;
  tokensAfter: number;
}

/** Texts up to this many characters are counted exactly; longer ones are sampled (see @kaizen/tokens). */
const EXACT_COUNT_CHARS = 64 * 1024;
/** A sampled count may be off by a few percent: require this much saving before trusting it. */
const SAMPLED_MARGIN = 0.95;

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Whether `text` is `compact` with whitespace between JSON tokens (strings untouched): one pass
 * over both, nothing allocated, so a 5 MB pretty-printed result costs a few milliseconds.
 */
export function sameJsonIgnoringWhitespace(text: string, compact: string): boolean {
  let j = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inString && isWhitespace(c)) continue;
    if (c !== compact.charCodeAt(j++)) return false;
    if (!inString) inString = c === 0x22;
    else if (c === 0x22) inString = false;
    else if (c === 0x5c) {
      // The escaped character is part of the string, whatever it is.
      if (++i >= text.length || text.charCodeAt(i) !== compact.charCodeAt(j++)) return false;
    }
  }
  return j === compact.length;
}

/** The parsed value and its compact JSON when `text` is a JSON object/array that JSON.parse keeps exactly. */
export function losslessJson(text: string): { value: unknown; compact: string } | undefined {
  let i = 0;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first !== 0x7b && first !== 0x5b) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const compact = JSON.stringify(value);
  return (compact.length === text.length ? compact === text : sameJsonIgnoringWhitespace(text, compact)) ? { value, compact } : undefined;
}

function tokens(count: Counter, text: string): number {
  return text.length <= EXACT_COUNT_CHARS ? count(text) : countSampled(count, [text]);
}

/** The KTOF for `text` when it is lossless and cheaper, with the measurements; undefined to keep `text`. */
export function rewriteText(text: string, settings: RewriteSettings): { ktof: string; compact: string; outcome: ItemOutcome } | undefined {
  const bytesBefore = Buffer.byteLength(text);
  if (bytesBefore < settings.minBytes) return undefined;
  const json = losslessJson(text);
  if (!json) return undefined;
  let ktof: string;
  try {
    ktof = encode(json.value);
    if (JSON.stringify(decode(ktof)) !== json.compact) return undefined;
  } catch {
    return undefined;
  }
  const bytesAfter = Buffer.byteLength(ktof);
  if (bytesAfter > bytesBefore) return undefined;
  const tokensBefore = tokens(settings.count, text);
  const tokensAfter = tokens(settings.count, ktof);
  const sampled = text.length > EXACT_COUNT_CHARS || ktof.length > EXACT_COUNT_CHARS;
  if (sampled ? tokensAfter > tokensBefore * SAMPLED_MARGIN : tokensAfter >= tokensBefore) return undefined;
  return { ktof, compact: json.compact, outcome: { bytesBefore, bytesAfter, tokensBefore, tokensAfter } };
}

type Item = { type?: unknown; text?: unknown } & Record<string, unknown>;

/**
 * The tool result with its JSON text items re-encoded, or undefined when nothing changed
 * (the caller then passes the original bytes on). Error results are left as they are.
 * `dropStructured` (for tools known to have no outputSchema): when a rewritten text carried
 * exactly the `structuredContent` value, that duplicate goes, so a client that shows the model
 * structuredContent shows it the KTOF instead.
 */
export function rewriteToolResult(result: unknown, settings: RewriteSettings, dropStructured = false): { result: Record<string, unknown>; items: ItemOutcome[] } | undefined {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return undefined;
  const record = result as Record<string, unknown>;
  if (record['isError'] === true || !Array.isArray(record['content'])) return undefined;
  const items: ItemOutcome[] = [];
  const rewrittenJson = new Set<string>();
  const content = (record['content'] as unknown[]).map((item) => {
    if (!item || typeof item !== 'object') return item;
    const { type, text } = item as Item;
    if (type !== 'text' || typeof text !== 'string') return item;
    const rewritten = rewriteText(text, settings);
    if (!rewritten) return item;
    items.push(rewritten.outcome);
    rewrittenJson.add(rewritten.compact);
    return { ...(item as Item), text: rewritten.ktof };
  });
  if (!items.length) return undefined;
  const { structuredContent, ...rest } = record;
  if (dropStructured && structuredContent !== undefined && rewrittenJson.has(JSON.stringify(structuredContent))) return { result: { ...rest, content }, items };
  return { result: { ...record, content }, items };
}
