/**
 * The CPU-bound half of the encoding operations: a request's KTOF and its size and token
 * stats, with no store and no clock. The engine runs them here by default; the server hands
 * large requests to a worker thread running the same code (see EngineConfig.compute), so a
 * big request does not hold up the event loop.
 */
import { encode, KTOF_VERSION, type JsonValue } from '@kaizen/ktof';
import { encodePrompt as encodePromptText, type Detection, type EncodedText, type EncodedTextCache } from '@kaizen/prompt';
import type {
  DetectionMeta,
  FormatMeta,
  ParsedEncodeRequest,
  ParsedOptimizeRequest,
  ParsedOptimizeRequestPayload,
  ParsedPromptEncodePayload,
  PromptMeta,
} from '@kaizen/protocol';
import { encodeFailure, requireValue, toEncodeOptions } from './codec.js';
import { asText, countedWith, decisionCounter, loadCounters, measure, promptTokenText, withinCountBudget, type Measurement, type ModelCounter } from './measure.js';
import type { OperationContext } from './types.js';
import { TextCache } from './text-cache.js';

/** Characters of chat strings (and their encodings) remembered per tokenizer and options. */
const TEXT_CACHE_CHARS = 2_000_000;
/** Distinct encode-option combinations that get a cache; further ones are encoded every time. */
const MAX_TEXT_CACHES = 8;
/** Shorter strings are re-encoded every time: too short to hold JSON worth a fragment. */
const MIN_CACHED_TEXT = 24;

export const FORMAT: FormatMeta = { format: 'ktof', version: KTOF_VERSION };

export type PromptRequest = ParsedOptimizeRequestPayload | ParsedPromptEncodePayload;

/** compress / optimize: the KTOF text of `data` and its stats. */
export interface DataComputation extends Measurement {
  ktof: string;
}

/** optimize.request / prompts.encode: the encoded prompt, what encoding found, its stats, and both JSON texts (for the store). */
export interface PromptComputation extends Measurement {
  result: JsonValue;
  meta: PromptMeta;
  json: { original: string; encoded?: string };
}

/** Where encodings are computed. `context` says how large the request was, for implementations that choose a thread by size. */
export interface Computations {
  encodeData(request: ParsedOptimizeRequest, context?: OperationContext): Promise<DataComputation>;
  encodePrompt(request: PromptRequest, context?: OperationContext): Promise<PromptComputation>;
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
export function createComputations(): Computations {
  // How each chat string was encoded, per tokenizer and encode options (the result depends on
  // both): a conversation resends every earlier turn, and each is encoded once.
  const textCaches = new Map<string, EncodedTextCache>();
  function textCacheFor(tokenizer: string, options: ParsedEncodeRequest['options']): EncodedTextCache | undefined {
    const key = `${tokenizer} ${JSON.stringify(options ?? null)}`;
    let cache = textCaches.get(key);
    if (!cache && textCaches.size < MAX_TEXT_CACHES) {
      const strings = new TextCache<EncodedText>(TEXT_CACHE_CHARS);
      cache = {
        get: (text) => strings.get(text),
        set(text, encoded) {
          // An unchanged string shares the key's characters; a rewritten one holds its own.
          if (text.length >= MIN_CACHED_TEXT) strings.set(text, encoded, encoded.text === text ? 0 : encoded.text.length);
        },
      };
      textCaches.set(key, cache);
    }
    return cache;
  }

  function ktofOf(data: unknown, options: ParsedEncodeRequest['options']): string {
    try {
      return encode(data, toEncodeOptions(options));
    } catch (error) {
      return encodeFailure(error);
    }
  }

  async function encodeData(request: ParsedOptimizeRequest): Promise<DataComputation> {
    requireValue(request.data, 'data');
    const models = await loadCounters(request.token_models);
    // Encoding first: its depth guard refuses what JSON.stringify would overflow the stack on.
    const ktof = ktofOf(request.data, request.options);
    const json = JSON.stringify(request.data);
    return { ktof, ...measure(json, ktof, withinCountBudget(models, json.length)) };
  }

  /** Shared by optimize.request and prompts.encode: prompt-aware encoding with stats. */
  async function encodePrompt(request: PromptRequest): Promise<PromptComputation> {
    requireValue(request.prompt, 'prompt');
    const models = await loadCounters(request.token_models);
    const schemas = 'schemas' in request && request.schemas ? request.schemas : undefined;
    const encodeOptions = toEncodeOptions(request.options);
    let encoded;
    let originalJson: string;
    let counters: ModelCounter[];
    try {
      originalJson = JSON.stringify(request.prompt);
      counters = withinCountBudget(models, originalJson.length);
      const decider = decisionCounter(counters);
      encoded = encodePromptText(request.prompt as JsonValue, {
        autoDetectJson: request.auto_detect_json,
        ...(schemas ? { schemas } : {}),
        ...(encodeOptions ? { encodeOptions } : {}),
        ...(decider ? { countTokens: decider.count } : {}),
        textCache: textCacheFor(countedWith(decider), request.options),
      });
    } catch (error) {
      // Deep values overflow JSON.stringify (a RangeError) before the codec's guard sees them.
      return encodeFailure(error);
    }
    const encodedIsText = typeof encoded.prompt === 'string';
    const encodedText = asText(encoded.prompt);
    const measured = measure(originalJson, encodedText, counters, {
      original: counters.length ? promptTokenText(request.prompt, encodedIsText) : [],
      compressed: counters.length ? promptTokenText(encoded.prompt, encodedIsText) : [],
    });
    const meta: PromptMeta = {
      ...FORMAT,
      auto_detect_json: request.auto_detect_json,
      detections: detectionMeta(encoded.detections),
      schemas_used: schemas ? Object.keys(schemas) : [],
    };
    // The JSON texts go along so prompts.encode's store does not serialise them again.
    const json = { original: originalJson, ...(encodedIsText ? {} : { encoded: encodedText }) };
    return { result: encoded.prompt, meta, json, ...measured };
  }

  return { encodeData, encodePrompt };
}
