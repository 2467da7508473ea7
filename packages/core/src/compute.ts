/**
 * The CPU-bound half of the encoding operations: a request's KTOF and its size and token
 * stats, with no store and no clock. The engine runs them here by default; the server hands
 * large requests to a worker thread running the same code (see EngineConfig.compute), so a
 * big request does not hold up the event loop.
 */
import { decode, encode, KTOF_VERSION, stringifyJson, type DecodeOptions, type JsonValue } from '@kaizen/ktof';
import type { DecodedReply, Detection, EncodedText, EncodedTextCache, FoldCache, FoldEntry, PromptDocument, PromptDocumentCache, PromptForms } from '@kaizen/prompt';
import { escapeConstructKeys, mayHoldConstructKeys } from '@kaizen/prompt/constructs';
import {
  ErrorCode,
  KaizenProblem,
  PAYLOAD_ID_SHAPE,
  type DetectionMeta,
  type FormatMeta,
  type ParsedEncodeRequest,
  type ParsedOptimizeRequest,
  type ParsedOptimizeRequestPayload,
  type ParsedPromptEncodePayload,
  type PromptMeta,
  type Stats,
  type TokenStats,
} from '@kaizen/protocol';
import { decodeFailure, decodeStrict, encodeFailure, requireNonEmptyPrompt, requireValue, toEncodeOptions } from './codec.js';
import { DEFAULT_MAX_KEYS, maxUnfoldedChars, type Limits } from './limits.js';
import { asText, countedWith, decisionCounter, jsonByteLength, loadCounters, measure, promptTokenText, sizeStats, utf8Length, withinCountBudget, type Measurement, type ModelCounter } from './measure.js';
import type { OperationContext } from './types.js';
import { TextCache } from './text-cache.js';

/**
 * @kaizen/prompt, loaded by the first prompt-aware operation: compress and decompress need only its
 * small `constructs` module (imported above) unless a text holds a construct key, and a process
 * that only runs them (the CLI's encode and decode) does not pay for loading the rest.
 */
type PromptModule = typeof import('@kaizen/prompt');
let promptModule: PromptModule | undefined;
async function loadPrompt(): Promise<PromptModule> {
  return (promptModule ??= await import('@kaizen/prompt'));
}

/** Characters of chat strings (and their encodings) remembered per tokenizer and options. */
const TEXT_CACHE_CHARS = 2_000_000;
/** Distinct encode-option combinations that get a cache; further ones are encoded every time. */
const MAX_TEXT_CACHES = 8;
/** Characters of prompts (their JSON) and their documents remembered per tokenizer and options. */
const DOCUMENT_CACHE_CHARS = 1_000_000;
/** Shorter strings are re-encoded every time: too short to hold JSON worth a fragment. */
const MIN_CACHED_TEXT = 24;

export const FORMAT: FormatMeta = { format: 'ktof', version: KTOF_VERSION };

export type PromptRequest = ParsedOptimizeRequestPayload | ParsedPromptEncodePayload;

/** compress / optimize: the KTOF text of `data` and its stats. */
export interface DataComputation extends Measurement {
  ktof: string;
}

/**
 * optimize.request / prompts.encode: `result`, the whole prompt as one KTOF text (stats and
 * token_stats measure it against the prompt's compact JSON); `prompt`, the vendor-ready request
 * of the same shape with the JSON inside its strings as KTOF fragments (prompt_stats and
 * prompt_token_stats measure it); what encoding found; the prompt's JSON text (for the store).
 */
export interface PromptComputation extends Measurement {
  result: string;
  prompt: JsonValue;
  prompt_stats: Stats;
  prompt_token_stats: TokenStats;
  meta: PromptMeta;
  json: { original: string };
}

/**
 * decompress, optimize.response and prompts.decode (inline KTOF): a text to decode.
 * `document`: the whole text is KTOF (a 400 says where it is not); `reply`: a prompt document or
 * a model reply that may hold KTOF (never an error for text without KTOF); `inline`: the same,
 * but text without KTOF is decoded strictly for its error.
 */
export interface DecodeRequest {
  text: string;
  as: 'document' | 'reply' | 'inline';
  options: DecodeOptions;
}

/** A decoded text: the value, where the KTOF was found, and (documents) its size stats. */
export interface DecodeComputation extends DecodedReply {
  stats?: Measurement['stats'];
}

/**
 * Where encodings, token stats and decodings are computed. `context` says how large the request
 * was, for implementations that choose a thread by its cost.
 */
export interface Computations {
  encodeData(request: ParsedOptimizeRequest, context?: OperationContext): Promise<DataComputation>;
  encodePrompt(request: PromptRequest, context?: OperationContext): Promise<PromptComputation>;
  decode(request: DecodeRequest, context?: OperationContext): Promise<DecodeComputation>;
}

/** The caches of one tokenizer and option set (see createComputations). */
interface PromptCaches {
  text: EncodedTextCache;
  folds: FoldCache;
  documents: PromptDocumentCache;
}

function detectionMeta(detections: readonly Detection[]): DetectionMeta[] {
  return detections.map((d) => ({
    path: d.path,
    kind: d.kind,
    ...(d.originalTokens !== undefined ? { original_tokens: d.originalTokens } : {}),
    ...(d.encodedTokens !== undefined ? { encoded_tokens: d.encodedTokens } : {}),
  }));
}

/** Computations on the calling thread, with their own caches of chat strings. */
export function createComputations(limits: Partial<Pick<Limits, 'maxKeys'>> = {}): Computations {
  const maxKeys = limits.maxKeys ?? DEFAULT_MAX_KEYS;
  // How each chat string was encoded (for `prompt`) and folded (for `result`), per tokenizer and
  // encode options (the results depend on both): a conversation resends every earlier turn, and
  // each is encoded once.
  // And each prompt's document, by the prompt's JSON: a prompt sent again (a retry, the same
  // request from many callers) is not encoded whole again.
  const stringCaches = new Map<string, PromptCaches>();
  function stringCachesFor(tokenizer: string, options: ParsedEncodeRequest['options']): PromptCaches | undefined {
    const key = `${tokenizer} ${JSON.stringify(options ?? null)}`;
    let caches = stringCaches.get(key);
    if (!caches && stringCaches.size < MAX_TEXT_CACHES) {
      const strings = new TextCache<EncodedText>(TEXT_CACHE_CHARS);
      const folds = new TextCache<FoldEntry>(TEXT_CACHE_CHARS);
      const documents = new TextCache<PromptDocument>(DOCUMENT_CACHE_CHARS);
      caches = {
        text: {
          get: (text) => strings.get(text),
          set(text, encoded) {
            // An unchanged string shares the key's characters; a rewritten one holds its own.
            if (text.length >= MIN_CACHED_TEXT) strings.set(text, encoded, encoded.text === text ? 0 : encoded.text.length);
          },
        },
        folds: {
          get: (text) => folds.get(text),
          // A folded value is a tree of objects, several times the size of the JSON text it
          // came from: counted as four texts, so the cache stays near its character budget in bytes.
          set: (text, entry) => folds.set(text, entry, entry.folded === text ? 0 : 4 * text.length),
        },
        documents: {
          get: (key) => documents.get(key),
          set: (key, document) => documents.set(key, document, document.ktof.length),
        },
      };
      stringCaches.set(key, caches);
    }
    return caches;
  }

  function ktofOf(data: unknown, options: ParsedEncodeRequest['options']): string {
    try {
      return encode(data, toEncodeOptions(options, maxKeys));
    } catch (error) {
      return encodeFailure(error);
    }
  }

  /**
   * compress/optimize's `result`: a prompt document with nothing folded, which decompress reads
   * as every producer's output. On data where no one-key object has a key like `$json…`/`$text`
   * that is exactly the codec's text; the search for such a key is three substring searches of the
   * text already written (a key appears in it as written), and only a text that holds one of those
   * words has its value walked, and written again when a key was escaped.
   */
  function dataText(data: unknown, options: ParsedEncodeRequest['options']): string {
    let ktof = ktofOf(data, options);
    if (mayHoldConstructKeys(ktof)) {
      const escaped = escapeConstructKeys(data);
      if (escaped !== data) ktof = ktofOf(escaped, options);
    }
    return unambiguous(data, ktof);
  }

  async function encodeData(request: ParsedOptimizeRequest): Promise<DataComputation> {
    requireValue(request.data, 'data');
    const models = await loadCounters(request.token_models);
    // Encoding first: its depth guard refuses what JSON.stringify would overflow the stack on.
    const ktof = dataText(request.data, request.options);
    // Without token counts only the JSON's size is needed: counted, not written.
    if (models.length === 0) return { ktof, stats: sizeStats(jsonByteLength(request.data), utf8Length(ktof)), token_stats: {} };
    const json = stringifyJson(request.data);
    return { ktof, ...measure(json, ktof, withinCountBudget(models, json.length)) };
  }

  /** Shared by optimize.request and prompts.encode: prompt-aware encoding with stats. */
  async function encodePrompt(request: PromptRequest): Promise<PromptComputation> {
    requireValue(request.prompt, 'prompt');
    requireNonEmptyPrompt(request.prompt);
    const models = await loadCounters(request.token_models);
    const prompts = await loadPrompt();
    const schemas = 'schemas' in request && request.schemas ? request.schemas : undefined;
    const encodeOptions = toEncodeOptions(request.options, maxKeys);
    let forms: PromptForms;
    let originalJson: string;
    let counters: ModelCounter[];
    try {
      originalJson = stringifyJson(request.prompt);
      counters = withinCountBudget(models, originalJson.length);
      const decider = decisionCounter(counters);
      const caches = stringCachesFor(countedWith(decider), request.options);
      forms = prompts.encodePromptForms(request.prompt as JsonValue, {
        autoDetectJson: request.auto_detect_json,
        ...(schemas ? { schemas } : {}),
        encodeOptions,
        ...(decider ? { countTokens: decider.count } : {}),
        ...(caches && { textCache: caches.text, foldCache: caches.folds, documentCache: caches.documents }),
        json: originalJson,
      });
    } catch (error) {
      // Deep values overflow JSON.stringify (a RangeError) before the codec's guard sees them.
      return encodeFailure(error);
    }
    const encoded = forms.prompt;
    // Every `result` must read back inline: a document whose folds would unfold past the bound the
    // decoding routes read inline text with (real prompts come nowhere near it) is written unfolded.
    const document =
      forms.document.unfoldedChars > maxUnfoldedChars(forms.document.ktof.length) ? dataText(request.prompt, request.options) : unambiguous(request.prompt, forms.document.ktof);
    const measured = measure(originalJson, document, counters);
    // `prompt` keeps a chat request's shape: measured over its strings, the text the model reads.
    // A value that became one KTOF text is measured as that text against its JSON: when the text
    // is the document itself, those are the document's own stats.
    const encodedIsText = typeof encoded.prompt === 'string';
    const promptMeasured =
      encoded.prompt === document && typeof request.prompt !== 'string'
        ? measured
        : measure(originalJson, asText(encoded.prompt), counters, {
            original: counters.length ? (encodedIsText && typeof request.prompt !== 'string' ? [originalJson] : promptTokenText(request.prompt, encodedIsText)) : [],
            compressed: counters.length ? promptTokenText(encoded.prompt, encodedIsText) : [],
          });
    const meta: PromptMeta = {
      ...FORMAT,
      auto_detect_json: request.auto_detect_json,
      detections: detectionMeta(encoded.detections),
      schemas_used: schemas ? Object.keys(schemas) : [],
    };
    return {
      result: document,
      prompt: encoded.prompt,
      ...measured,
      prompt_stats: promptMeasured === measured ? { ...measured.stats } : promptMeasured.stats,
      prompt_token_stats: promptMeasured === measured ? { ...measured.token_stats } : promptMeasured.token_stats,
      meta,
      json: { original: originalJson },
    };
  }

  async function decodeText({ text, as, options }: DecodeRequest): Promise<DecodeComputation> {
    if (as === 'document') {
      // Read as a prompt document, so the output of compress, optimize and prompts.encode alike
      // comes back as the value sent; a text without a construct key is the value it decodes to.
      const decoded = decodeStrict(text, options);
      const value = mayHoldConstructKeys(text) ? unfoldDocument(decoded, text, await loadPrompt()) : decoded;
      // The JSON's size, counted without writing it (a worker writes it only to send the value).
      return { isKtof: true, value, source: 'whole', stats: sizeStats(jsonByteLength(value), utf8Length(text)) };
    }
    const { reply, whole } = readKtof(text, options, await loadPrompt());
    // When neither the whole text nor a ```ktof block decoded, a strict decode says where and why:
    // the whole text's decode, already made.
    if (as === 'inline' && !reply.isKtof) return { isKtof: true, value: 'value' in whole ? whole.value : decodeFailure(whole.error), source: 'whole' };
    return reply;
  }

  return { encodeData, encodePrompt, decode: decodeText };
}

/**
 * Reads a KTOF text sent to prompts.decode or optimize.response. First as a whole prompt
 * document (what prompts.encode and optimize.request return as `result`), so any prompt comes
 * back exactly, strings with folded JSON included; a text that is not one, or is one line of
 * prose, is read as a model reply (a ```ktof block, or the text unchanged with isKtof false).
 * A reply that is a lone KTOF value (`42`, `true`, a quoted string) decodes to that value.
 * The whole text is decoded once: `whole` is what that gave (prompts.decode reports its error).
 */
function readKtof(text: string, options: DecodeOptions, prompts: PromptModule): { reply: DecodedReply; whole: { value: JsonValue } | { error: unknown } } {
  const { readReply } = prompts;
  let decoded: JsonValue;
  try {
    decoded = decode(text, options);
  } catch (error) {
    return { reply: readReply(text, options, { text, value: undefined }), whole: { error } };
  }
  const whole = { value: decoded };
  // One unquoted line decodes as a string: that is prose (a reply such as "Sure.\n"), which the
  // reply rules give back unchanged. Only a quoted string is a KTOF string value.
  if (typeof decoded === 'string' && !text.trimStart().startsWith('"')) return { reply: readReply(text, options, { text, value: decoded }), whole };
  return { reply: { isKtof: true, value: unfoldDocument(decoded, text, prompts), source: 'whole' }, whole };
}

/**
 * A decoded prompt document's constructs turned back into their strings, within the unfolding
 * bound of its text; a malformed construct is a 400 that says how to mean such a key literally.
 */
function unfoldDocument(decoded: JsonValue, text: string, { unfold, PromptDocumentError }: PromptModule): JsonValue {
  try {
    return unfold(decoded, { maxChars: maxUnfoldedChars(text.length) });
  } catch (error) {
    if (error instanceof PromptDocumentError) {
      throw new KaizenProblem(
        ErrorCode.INVALID_PAYLOAD,
        `The KTOF parsed, but ${error.message}. A one-key object whose key is $json… or $text stands for a string holding JSON; for the key itself write one more $ ($$json, $$text), as compress does.`,
      );
    }
    throw error;
  }
}

/**
 * A KTOF text that no decoder reads as a payload id: a root string whose KTOF would look like
 * one (decompress, prompts.decode and optimize.response look such text up) is written quoted.
 */
function unambiguous(value: unknown, ktof: string): string {
  return typeof value === 'string' && PAYLOAD_ID_SHAPE.test(ktof.trim()) ? JSON.stringify(value) : ktof;
}
