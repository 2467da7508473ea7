/**
 * The Kaizen operations. Each takes an already-validated request (see `parseRequest` in
 * @kaizen/protocol) plus who is asking, and returns the wire envelope. Failures are thrown as
 * KaizenProblem (status, code, detail); the server maps them to HTTP responses and the SDK's
 * local client to its error classes, so both surfaces behave identically.
 */
import { encode, KTOF_VERSION, type JsonValue } from '@kaizen/ktof';
import { decodeReply, encodePrompt, type Detection, type EncodedText, type EncodedTextCache } from '@kaizen/prompt';
import {
  ErrorCode,
  KaizenProblem,
  PAYLOAD_ID_PATTERN,
  type CompressResponse,
  type DecompressResponse,
  type DetectionMeta,
  type FormatMeta,
  type HealthResponse,
  type OptimizeRequestResponse,
  type OptimizeResponse,
  type OptimizeResponseResponse,
  type ParsedDecodeRequest,
  type ParsedEncodeRequest,
  type ParsedOptimizeRequest,
  type ParsedOptimizeRequestPayload,
  type ParsedOptimizeResponsePayload,
  type ParsedPromptDecodePayload,
  type ParsedPromptEncodePayload,
  type PromptMeta,
  type PromptsDecodeResponse,
  type PromptsEncodeResponse,
} from '@kaizen/protocol';
import { decodeStrict, encodeFailure, requireText, requireValue, toDecodeOptions, toEncodeOptions } from './codec.js';
import { asText, countedWith, decisionCounter, loadCounters, measure, promptTokenText, withinCountBudget, type ModelCounter } from './measure.js';
import { newPayloadId } from './payload-id.js';
import type { PayloadStore } from './store.js';
import { TextCache } from './text-cache.js';

export interface EngineConfig {
  /** Where prompts.encode keeps payloads. */
  store: PayloadStore;
  /** Reported by health. */
  version: string;
  /** Retention window of stored payloads. Default 86400 (one day). */
  payloadTtlSeconds?: number;
  /** Deepest nesting the decoder accepts (guards the stack against hostile input). Default 256. */
  maxDecodeDepth?: number;
  /** Clock (epoch ms); a context's `now` wins. */
  now?: () => number;
  /** Payload id generator (tests). Default: `kz_` + 128 CSPRNG bits. */
  newPayloadId?: () => string;
}

/** Who is asking, for one operation. */
export interface OperationContext {
  tenant: string;
  requestId: string;
  /** Epoch ms; defaults to the engine clock. */
  now?: number;
}

/** One method per operation, named as the SDK names them. */
export interface Engine {
  health(): HealthResponse;
  compress(request: ParsedEncodeRequest, context: OperationContext): Promise<CompressResponse>;
  decompress(request: ParsedDecodeRequest, context: OperationContext): Promise<DecompressResponse>;
  optimize(request: ParsedOptimizeRequest, context: OperationContext): Promise<OptimizeResponse>;
  optimizeRequest(request: ParsedOptimizeRequestPayload, context: OperationContext): Promise<OptimizeRequestResponse>;
  optimizeResponse(request: ParsedOptimizeResponsePayload, context: OperationContext): Promise<OptimizeResponseResponse>;
  promptsEncode(request: ParsedPromptEncodePayload, context: OperationContext): Promise<PromptsEncodeResponse>;
  promptsDecode(request: ParsedPromptDecodePayload, context: OperationContext): Promise<PromptsDecodeResponse>;
}

/** The key under which prompts.encode records its audit fields in the stored metadata. */
export const AUDIT_KEY = '_kaizen';

/** Characters of chat strings (and their encodings) remembered per tokenizer and options. */
const TEXT_CACHE_CHARS = 2_000_000;
/** Distinct encode-option combinations that get a cache; further ones are encoded every time. */
const MAX_TEXT_CACHES = 8;
/** Shorter strings are re-encoded every time: too short to hold JSON worth a fragment. */
const MIN_CACHED_TEXT = 24;

const FORMAT: FormatMeta = { format: 'ktof', version: KTOF_VERSION };

function detectionMeta(detections: readonly Detection[]): DetectionMeta[] {
  return detections.map((d) => ({
    path: d.path,
    kind: d.kind,
    ...(d.originalTokens !== undefined ? { original_tokens: d.originalTokens } : {}),
    ...(d.encodedTokens !== undefined ? { encoded_tokens: d.encodedTokens } : {}),
  }));
}

/** Creates the operations bound to a store and configuration. */
export function createEngine(config: EngineConfig): Engine {
  const ttlMs = (config.payloadTtlSeconds ?? 86_400) * 1000;
  const maxDepth = config.maxDecodeDepth ?? 256;
  const clock = config.now ?? Date.now;
  const makeId = config.newPayloadId ?? newPayloadId;
  const startedAt = clock();

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

  async function encodeWithStats(request: ParsedOptimizeRequest) {
    requireValue(request.data, 'data');
    const models = await loadCounters(request.token_models);
    // Encoding first: its depth guard refuses what JSON.stringify would overflow the stack on.
    const ktof = ktofOf(request.data, request.options);
    const json = JSON.stringify(request.data);
    return { ktof, ...measure(json, ktof, withinCountBudget(models, json.length)) };
  }

  /** Shared by optimize.request and prompts.encode: prompt-aware encoding with stats. */
  async function encodePromptWithStats(request: ParsedOptimizeRequestPayload | ParsedPromptEncodePayload) {
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
      encoded = encodePrompt(request.prompt as JsonValue, {
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

  return {
    health() {
      return {
        operation: 'health',
        status: 'ok',
        uptime: Math.max(0, Math.round((clock() - startedAt) / 1000)),
        version: config.version,
        ktof_version: KTOF_VERSION,
      };
    },

    async compress(request) {
      const { ktof, stats } = await encodeWithStats({ ...request, token_models: null });
      return { operation: 'compress', status: 'ok', result: ktof, stats, meta: FORMAT };
    },

    async optimize(request) {
      const { ktof, stats, token_stats } = await encodeWithStats(request);
      return { operation: 'optimize', status: 'ok', result: ktof, stats, token_stats, meta: FORMAT };
    },

    async decompress(request) {
      // No blank check here: the empty document is the KTOF of {} and must round-trip.
      const value = decodeStrict(request.data, toDecodeOptions(request.options, maxDepth));
      const { stats } = measure(JSON.stringify(value), request.data, []);
      return { operation: 'decompress', status: 'ok', result: value, data: value, stats, meta: FORMAT };
    },

    async optimizeRequest(request) {
      const { result, meta, stats, token_stats } = await encodePromptWithStats(request);
      return { operation: 'optimize.request', status: 'ok', result, stats, token_stats, metadata: request.metadata ?? null, meta };
    },

    async optimizeResponse(request) {
      requireText(request.ktof, 'ktof', 'send the model reply');
      const reply = decodeReply(request.ktof, toDecodeOptions(request.options, maxDepth));
      return {
        operation: 'optimize.response',
        status: 'ok',
        result: reply.value,
        data: reply.value,
        meta: { ...FORMAT, is_ktof: reply.isKtof, source: reply.source },
      };
    },

    async promptsEncode(request, context) {
      const { result, meta, stats, token_stats, json } = await encodePromptWithStats(request);
      const now = context.now ?? clock();
      const id = makeId();
      const expiresAt = now + ttlMs;
      const expires_at = new Date(expiresAt).toISOString();
      await config.store.put({
        id,
        tenant: context.tenant,
        encoded: result,
        original: request.prompt,
        metadata: {
          ...request.metadata,
          [AUDIT_KEY]: { created_at: new Date(now).toISOString(), request_id: context.requestId, expires_at },
        },
        meta: { ...meta },
        createdAt: now,
        expiresAt,
        json,
      });
      return {
        operation: 'prompts.encode',
        status: 'ok',
        result,
        stats,
        token_stats,
        metadata: request.metadata ?? null,
        meta: { ...meta, payload_id: id, expires_at },
      };
    },

    async promptsDecode(request, context) {
      requireText(request.ktof, 'ktof', 'send KTOF text or a payload id (kz_...)');
      const text = request.ktof.trim();
      if (PAYLOAD_ID_PATTERN.test(text)) {
        const now = context.now ?? clock();
        const lookup = await config.store.get(context.tenant, text, now);
        if (lookup.status === 'expired')
          throw new KaizenProblem(ErrorCode.PAYLOAD_EXPIRED, `Payload ${text} passed its retention window and its content was deleted.`);
        if (lookup.status === 'missing') throw new KaizenProblem(ErrorCode.PAYLOAD_NOT_FOUND, `No payload ${text} for this account.`);
        const stored = lookup.payload;
        // Stored fields win: audit fields and encode-time metadata are never overwritten.
        const metadata = { ...request.metadata, ...stored.metadata };
        await config.store.recordReplay(context.tenant, text, {
          at: now,
          requestId: context.requestId,
          replayMeta: request.replay_meta ?? null,
          metadata: request.metadata ?? null,
        });
        return {
          operation: 'prompts.decode',
          status: 'ok',
          result: stored.original,
          data: stored.original,
          metadata,
          meta: { ...FORMAT, source: 'payload', payload_id: text, replay_recorded: true },
        };
      }
      const options = toDecodeOptions(request.options, maxDepth);
      const reply = decodeReply(request.ktof, options);
      // decodeReply never throws; when it found no KTOF, a strict decode says where and why.
      const value = reply.isKtof ? reply.value : decodeStrict(request.ktof, options);
      return {
        operation: 'prompts.decode',
        status: 'ok',
        result: value,
        data: value,
        metadata: request.metadata ?? null,
        meta: { ...FORMAT, source: 'inline', replay_recorded: false },
      };
    },
  };
}

