/**
 * The Kaizen operations. Each takes an already-validated request (see `parseRequest` in
 * @kaizen/protocol) plus who is asking, and returns the wire envelope. Failures are thrown as
 * KaizenProblem (status, code, detail); the server maps them to HTTP responses and the SDK's
 * local client to its error classes, so both surfaces behave identically.
 */
import { KTOF_VERSION } from '@kaizen/ktof';
import { decodeReply } from '@kaizen/prompt';
import {
  ErrorCode,
  KaizenProblem,
  PAYLOAD_ID_PATTERN,
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
import type { PayloadStore } from './store.js';
import type { OperationContext } from './types.js';

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
      return { operation: 'compress', status: 'ok', result: ktof, stats, meta: FORMAT };
    },

    async optimize(request, context) {
      const { ktof, stats, token_stats } = await compute.encodeData(request, context);
      return { operation: 'optimize', status: 'ok', result: ktof, stats, token_stats, meta: FORMAT };
    },

    async decompress(request) {
      // No blank check here: the empty document is the KTOF of {} and must round-trip.
      const value = decodeStrict(request.data, toDecodeOptions(request.options, maxDepth));
      const { stats } = measure(JSON.stringify(value), request.data, []);
      return { operation: 'decompress', status: 'ok', result: value, data: value, stats, meta: FORMAT };
    },

    async optimizeRequest(request, context) {
      const { result, meta, stats, token_stats } = await compute.encodePrompt(request, context);
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
      const { result, meta, stats, token_stats, json } = await compute.encodePrompt(request, context);
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

