/**
 * What the gateway changes in a request: JSON inside message text becomes KTOF fragments
 * (@kaizen/prompt's engine, the one prompts.encode uses), the primer is added once, and nothing
 * else moves. Every decision about a text depends only on that text and the texts before it
 * in the order the model reads them, so a conversation that grows by appending messages sends
 * the same bytes for its earlier messages on every turn and provider prompt caches keep hitting.
 */
import type { JsonValue } from '@kaizen/ktof';
import { addPrimer, encodeText, isChatRequest, mapChatStrings, PROMPT_PRIMER, type EncodedText, type EncodedTextCache } from '@kaizen/prompt';
import { TextCache } from '@kaizen/core';
import { spliceJsonLiterals } from './json-splice.js';
import { MAX_EXACT_COUNT_STRING, requestCounter, type RequestCounter } from './tokens.js';

export interface RewriteResult {
  /** The body to send upstream; the caller's own text when nothing changed. */
  body: string;
  /** Input tokens of the message text before and after. */
  tokensOriginal: number;
  tokensSent: number;
  /** True when the figures are not all the model's own tokenizer. */
  estimated: boolean;
  /** How many texts were rewritten (0: the body is byte-identical). */
  textsRewritten: number;
}

/** What rewriting a gateway body needs: plain data, so it can be computed on the compute worker. */
export interface GatewayRewriteRequest {
  /** The body as the caller sent it. */
  body: Uint8Array;
  /** Top-level content fields in the order the model reads them (Vendor.contentOrder). */
  order: readonly string[];
  /** The tokenizer's model when the request's own model is unknown (Vendor.fallbackModel). */
  fallbackModel: string;
}

/** A rewritten gateway body; `body` is undefined when the caller's bytes go upstream as they came. */
export type GatewayRewrite = Omit<RewriteResult, 'body'> & { body: string | undefined };

/** A message text the engine could shorten. */
interface Candidate {
  pointer: string;
  /** Rank of its top-level field in the vendor's reading order (system before messages). */
  rank: number;
  /** Visit order (JSON order inside a top-level field). */
  seq: number;
  originalTokens: number;
  /** The (cached) encoding; what it is sent as is remembered with it. */
  entry: EncodedText;
}

/** Characters of encoded texts remembered per tokenizer: an agent loop resends its history every turn. */
const ENCODE_CACHE_CHARS = 2_000_000;
/**
 * Characters each remembered text is charged on top of its own (the map entry and result
 * object), so the budget also bounds memory when most texts are short. Short texts are worth
 * remembering: a tool call's arguments ('{"day":"today"}') are JSON the engine tries to encode
 * on every request otherwise, and an agent loop resends every earlier call on every turn.
 */
const ENTRY_OVERHEAD_CHARS = 64;
const encodeCaches = new Map<string, EncodedTextCache>();
/**
 * What each cached encoding is sent as, built once per encoding rather than once per request
 * (an agent loop resends its history every turn): its text with the primer in front (a new
 * string every time would be copied and hashed again by the token-count cache), and the JSON
 * literals of both forms.
 */
interface SentForms {
  primed?: string;
  literal?: string;
  primedLiteral?: string;
  /** The original text as a JSON literal (see ExpectedLiterals), for texts of EXPECTED_LITERAL_CHARS or more. */
  source?: string;
}
/**
 * Texts this long are looked for in the body by their expected literal (spliceJsonLiterals)
 * once they were seen before; shorter ones cost less to scan than to remember twice.
 */
const EXPECTED_LITERAL_CHARS = 1024;
const sentForms = new WeakMap<EncodedText, SentForms>();

function formsOf(entry: EncodedText): SentForms {
  let forms = sentForms.get(entry);
  if (!forms) sentForms.set(entry, (forms = {}));
  return forms;
}

function primed(entry: EncodedText): string {
  const forms = formsOf(entry);
  return (forms.primed ??= addPrimer(entry.text, PROMPT_PRIMER));
}

function literalOf(entry: EncodedText, withPrimer: boolean): string {
  const forms = formsOf(entry);
  return withPrimer ? (forms.primedLiteral ??= JSON.stringify(primed(entry))) : (forms.literal ??= JSON.stringify(entry.text));
}

/** `text` (the cache key of `entry`) as most clients write it in JSON, written once per encoding. */
function sourceLiteralOf(entry: EncodedText, text: string): string {
  const forms = formsOf(entry);
  return (forms.source ??= JSON.stringify(text));
}

function encodeCache(encoding: string): EncodedTextCache {
  let cache = encodeCaches.get(encoding);
  if (!cache) {
    const texts = new TextCache<EncodedText>(ENCODE_CACHE_CHARS);
    cache = {
      get: (text) => texts.get(text),
      set: (text, encoded) => {
        const forms = (encoded.text === text ? 0 : encoded.text.length) + (text.length >= EXPECTED_LITERAL_CHARS ? text.length : 0);
        texts.set(text, encoded, ENTRY_OVERHEAD_CHARS + forms);
      },
    };
    encodeCaches.set(encoding, cache);
  }
  return cache;
}

/** True for a request object the engine knows how to walk (a chat request, not a bare list). */
export function isRewritable(request: unknown): request is { [key: string]: JsonValue } {
  return typeof request === 'object' && request !== null && !Array.isArray(request) && isChatRequest(request as JsonValue);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads, rewrites and measures a gateway body: undefined when it is not a chat request we can
 * read (invalid UTF-8 or JSON, not a chat request, nesting too deep to walk); the upstream then
 * judges it as sent. Plain data in and out: it runs on the event loop or the compute worker.
 */
export async function rewriteGatewayBody({ body, order, fallbackModel }: GatewayRewriteRequest): Promise<GatewayRewrite | undefined> {
  let text: string;
  let request: unknown;
  try {
    text = utf8.decode(body);
    request = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRewritable(request)) return undefined;
  const counter = await requestCounter((request as { model?: JsonValue }).model, fallbackModel);
  let result: RewriteResult;
  try {
    result = rewriteRequest(text, request, order, counter);
  } catch (error) {
    // Nesting too deep to walk (thousands of levels).
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return { ...result, body: result.textsRewritten > 0 ? result.body : undefined };
}

/**
 * Rewrites `raw`, whose parsed value is `request`. `order` lists the top-level content fields
 * in reading order; `counter` decides what is smaller and reports the token figures.
 */
export function rewriteRequest(raw: string, request: { [key: string]: JsonValue }, order: readonly string[], counter: RequestCounter): RewriteResult {
  const cache = encodeCache(counter.encoding);
  const count = counter.count;
  const candidates: Candidate[] = [];
  let tokensOriginal = 0;
  let seq = 0;
  let estimated = counter.estimated;
  const expected = new Map<string, string>();
  mapChatStrings(request, (text, site) => {
    if (text.length > MAX_EXACT_COUNT_STRING) estimated = true;
    const originalTokens = count(text);
    tokensOriginal += originalTokens;
    let encoded = cache.get(text);
    if (!encoded) {
      encoded = encodeText(text, { countTokens: count });
      cache.set(text, encoded);
    } else if (text.length >= EXPECTED_LITERAL_CHARS) expected.set(site.path, sourceLiteralOf(encoded, text));
    if (encoded.fragments.length > 0) {
      const root = site.path.slice(1).split('/', 1)[0]!;
      const rank = order.indexOf(root);
      candidates.push({ pointer: site.path, rank: rank < 0 ? order.length : rank, seq: seq++, originalTokens, entry: encoded });
    }
    return text;
  });

  // The primer rides on the first text that pays for it, in reading order; later texts are
  // rewritten when they get smaller. The request never grows, and a text's fate depends only on
  // the texts before it.
  candidates.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
  const literals = new Map<string, string>();
  let hasPrimer = false;
  let tokensSent = tokensOriginal;
  for (const candidate of candidates) {
    const withPrimer = !hasPrimer;
    const before = candidate.originalTokens;
    const after = count(withPrimer ? primed(candidate.entry) : candidate.entry.text);
    if (after >= before) continue;
    hasPrimer = true;
    literals.set(candidate.pointer, literalOf(candidate.entry, withPrimer));
    tokensSent += after - before;
  }
  if (literals.size === 0) return { body: raw, tokensOriginal, tokensSent, estimated, textsRewritten: 0 };
  return { body: spliceJsonLiterals(raw, literals, expected), tokensOriginal, tokensSent, estimated, textsRewritten: literals.size };
}
