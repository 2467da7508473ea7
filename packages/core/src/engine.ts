/**
 * The Kaizen operations. Each takes an already-validated request (see `parseRequest` in
 * @kaizen/protocol) plus who is asking, and returns the wire envelope. Failures are thrown as
 * KaizenProblem (status, code, detail); the server maps them to HTTP responses and the SDK's
 * local client to its error classes, so both surfaces behave identically.
 */
import { decode, KTOF_VERSION } from '@kaizen/ktof';
import { decodeReply, PromptDocumentError, unfold, type DecodedReply } from '@kaizen/prompt';
import type { DecodeOptions, JsonValue } from '@kaizen/ktof';
import {
  ErrorCode,
  KaizenProblem,
  PAYLOAD_ID_LENGTH,
  PAYLOAD_ID_SHAPE,
  type CompressResponse,
  type DecompressResponse,
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
  type PromptsDecodeResponse,
  type PromptsEncodeResponse,
} from '@kaizen/protocol';
import { decodeStrict, requireText, toDecodeOptions } from './codec.js';
import { createComputations, FORMAT, type Computations } from './compute.js';
import { measure } from './measure.js';
import { newPayloadId } from './payload-id.js';
import type { PayloadStore, StoredPayload } from './store.js';

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
  /** Where encodings and token stats are computed. Default: here (createComputations); a server may send large requests to a worker. */
  compute?: Computations;
}

/** Who is asking, for one operation. */
export interface OperationContext {
  tenant: string;
  requestId: string;
  /** Epoch ms; defaults to the engine clock. */
  now?: number;
  /** Size of the request body in bytes, when known. */
  requestBytes?: number;
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

/** Creates the operations bound to a store and configuration. */
export function createEngine(config: EngineConfig): Engine {
  const ttlMs = (config.payloadTtlSeconds ?? 86_400) * 1000;
  const maxDepth = config.maxDecodeDepth ?? 256;
  const clock = config.now ?? Date.now;
  const makeId = config.newPayloadId ?? newPayloadId;
  const startedAt = clock();

  const compute = config.compute ?? createComputations();

  /** The stored payload of an id-shaped `ktof` value (never read as KTOF): 410 past its retention, 404 when unknown. */
  async function storedPayload(id: string, tenant: string, now: number): Promise<StoredPayload> {
    const lookup = await config.store.get(tenant, id, now);
    if (lookup.status === 'expired') throw new KaizenProblem(ErrorCode.PAYLOAD_EXPIRED, `Payload ${id} passed its retention window and its content was deleted.`);
    if (lookup.status === 'missing') throw new KaizenProblem(ErrorCode.PAYLOAD_NOT_FOUND, `No payload ${id} for this account.${idLengthHint(id)}`);
    return lookup.payload;
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

    async compress(request, context) {
      const { ktof, stats } = await compute.encodeData({ ...request, token_models: null }, context);
      return { operation: 'compress', status: 'ok', result: ktof, stats, metadata: echoedMetadata(null, request.data), meta: FORMAT };
    },

    async optimize(request, context) {
      const { ktof, stats, token_stats } = await compute.encodeData(request, context);
      return { operation: 'optimize', status: 'ok', result: ktof, stats, token_stats, metadata: echoedMetadata(null, request.data), meta: FORMAT };
    },

    async decompress(request) {
      // No blank check here: the empty document is the KTOF of {} and must round-trip.
      const value = decodeStrict(request.data, toDecodeOptions(request.options, maxDepth));
      const { stats } = measure(JSON.stringify(value), request.data, []);
      return { operation: 'decompress', status: 'ok', result: value, data: value, stats, meta: FORMAT };
    },

    async optimizeRequest(request, context) {
      const { result, prompt, meta, stats, token_stats, prompt_stats, prompt_token_stats } = await compute.encodePrompt(request, context);
      return { operation: 'optimize.request', status: 'ok', result, stats, token_stats, prompt, prompt_stats, prompt_token_stats, metadata: echoedMetadata(request.metadata, request.prompt), meta };
    },

    async optimizeResponse(request, context) {
      requireText(request.ktof, 'ktof', 'send the model reply');
      const id = request.ktof.trim();
      if (PAYLOAD_ID_SHAPE.test(id)) {
        // A payload id from prompts.encode: the stored prompt, exactly as prompts.decode gives it.
        const now = context.now ?? clock();
        const stored = await storedPayload(id, context.tenant, now);
        await config.store.recordReplay(context.tenant, id, { at: now, requestId: context.requestId, replayMeta: null, metadata: null });
        return { operation: 'optimize.response', status: 'ok', result: stored.original, data: stored.original, meta: { ...FORMAT, is_ktof: true, source: 'payload' } };
      }
      const reply = readKtof(request.ktof, toDecodeOptions(request.options, maxDepth));
      return {
        operation: 'optimize.response',
        status: 'ok',
        result: reply.value,
        data: reply.value,
        meta: { ...FORMAT, is_ktof: reply.isKtof, source: reply.source },
      };
    },

    async promptsEncode(request, context) {
      const { result, prompt, meta, stats, token_stats, prompt_stats, prompt_token_stats, json } = await compute.encodePrompt(request, context);
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
        json: { original: json.original },
      });
      return {
        operation: 'prompts.encode',
        status: 'ok',
        result,
        stats,
        token_stats,
        prompt,
        prompt_stats,
        prompt_token_stats,
        metadata: echoedMetadata(request.metadata, request.prompt),
        meta: { ...meta, payload_id: id, expires_at },
      };
    },

    async promptsDecode(request, context) {
      requireText(request.ktof, 'ktof', 'send KTOF text or a payload id (kz_...)');
      const text = request.ktof.trim();
      if (PAYLOAD_ID_SHAPE.test(text)) {
        const now = context.now ?? clock();
        const stored = await storedPayload(text, context.tenant, now);
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
          replay_meta: request.replay_meta ?? null,
          meta: { ...FORMAT, source: 'payload', payload_id: text, replay_recorded: true },
        };
      }
      const options = toDecodeOptions(request.options, maxDepth);
      const reply = readKtof(request.ktof, options);
      // When neither the whole text nor a ```ktof block decoded, a strict decode says where and why.
      const value = reply.isKtof ? reply.value : decodeStrict(request.ktof, options);
      return {
        operation: 'prompts.decode',
        status: 'ok',
        result: value,
        data: value,
        metadata: request.metadata ?? null,
        replay_meta: request.replay_meta ?? null,
        meta: { ...FORMAT, source: 'inline', replay_recorded: false },
      };
    },
  };
}

/** The detail's tail for an unknown id-shaped value whose length is not an id's (a typo or a truncated copy). */
function idLengthHint(text: string): string {
  if (text.length === PAYLOAD_ID_LENGTH) return '';
  return ` Payload ids are ${PAYLOAD_ID_LENGTH} characters (kz_ + 22); this one has ${text.length}: check that it was copied whole.`;
}

/**
 * Reads a KTOF text sent to prompts.decode or optimize.response. First as a whole prompt
 * document (what prompts.encode and optimize.request return as `result`), so any prompt comes
 * back exactly, strings with folded JSON included; a text that is not one, or is one line of
 * prose, is read as a model reply (a ```ktof block, or the text unchanged with isKtof false).
 * A reply that is a lone KTOF value (`42`, `true`, a quoted string) decodes to that value.
 */
function readKtof(text: string, options: DecodeOptions): DecodedReply {
  let decoded: JsonValue;
  try {
    decoded = decode(text, options);
  } catch {
    return decodeReply(text, options);
  }
  // One unquoted line decodes as a string: that is prose (a reply such as "Sure.\n"), which the
  // reply rules give back unchanged. Only a quoted string is a KTOF string value.
  if (typeof decoded === 'string' && !text.trimStart().startsWith('"')) return decodeReply(text, options);
  try {
    return { isKtof: true, value: unfold(decoded), source: 'whole' };
  } catch (error) {
    if (error instanceof PromptDocumentError) throw new KaizenProblem(ErrorCode.INVALID_PAYLOAD, `The KTOF parsed, but ${error.message}.`);
    throw error;
  }
}

/**
 * The envelope's `metadata`: the request's own, else the `metadata` object at the top of the
 * payload (a chat request's or a document's), as the original service echoes it; else null.
 */
function echoedMetadata(requested: Record<string, unknown> | null | undefined, payload: unknown): Record<string, unknown> | null {
  if (requested) return requested;
  const inner = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>).metadata : undefined;
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.hasOwn(payload as object, 'metadata') ? (inner as Record<string, unknown>) : null;
}
