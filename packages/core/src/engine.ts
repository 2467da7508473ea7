/**
 * The Kaizen operations. Each takes an already-validated request (see `parseRequest` in
 * @kaizen/protocol) plus who is asking, and returns the wire envelope. Failures are thrown as
 * KaizenProblem (status, code, detail); the server maps them to HTTP responses and the SDK's
 * local client to its error classes, so both surfaces behave identically.
 */
import { KTOF_VERSION, stringifyJson } from '@kaizen/ktof';
import {
  ErrorCode,
  KaizenProblem,
  PAYLOAD_ID_LENGTH,
  PAYLOAD_ID_SHAPE,
  type BodyOperationName,
  type Envelope,
  type HealthResponse,
  type Parsed,
} from '@kaizen/protocol';
import { requireText, toDecodeOptions } from './codec.js';
import { createComputations, FORMAT, type Computations } from './compute.js';
import { DEFAULT_MAX_METADATA_BYTES, type Limits } from './limits.js';
import { jsonByteLength, sizeStats, utf8Length } from './measure.js';
import { newPayloadId } from './payload-id.js';
import type { PayloadReplay, PayloadStore, StoredPayload } from './store.js';
import type { OperationContext } from './types.js';

export interface EngineConfig {
  /** Where prompts.encode keeps payloads. */
  store: PayloadStore;
  /** Reported by health. */
  version: string;
  /** Retention window of stored payloads. Default 86400 (one day). */
  payloadTtlSeconds?: number;
  /** Most columns one KTOF table header may list (nested groups included), and keys one object may hold. Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** Most UTF-8 bytes (compact JSON) of the `metadata` and `replay_meta` the store keeps; larger ones are a 413. Default 64 KiB. */
  maxMetadataBytes?: number;
  /** Clock (epoch ms); a context's `now` wins. */
  now?: () => number;
  /** Payload id generator (tests). Default: `kz_` + 128 CSPRNG bits. */
  newPayloadId?: () => string;
  /** Where encodings and token stats are computed. Default: here (createComputations); a server may send large requests to a worker. */
  compute?: Computations;
}

/** The handler of one operation of the table (OPERATIONS in @kaizen/protocol). */
export type OperationHandler<K extends BodyOperationName> = (request: Parsed<K>, context: OperationContext) => Promise<Envelope<K>>;

/** One handler per POST operation of the table: a row added there without its handler here fails to compile. */
export type OperationHandlers = { [K in BodyOperationName]: OperationHandler<K> };

/**
 * The operations, named as the table (and the SDK) names them. `health` takes no request and
 * no caller: each surface adds its own fields (backend, auth, limits) to it.
 */
export type Engine = OperationHandlers & { health(): HealthResponse };

/** The key under which prompts.encode records its audit fields in the stored metadata. */
export const AUDIT_KEY = '_kaizen';

/**
 * A request's metadata without an `_kaizen` block: that key holds the server's audit fields, so
 * a client's own is neither stored nor echoed (it would pass for ours).
 */
function clientMetadata(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!metadata) return null;
  if (!Object.hasOwn(metadata, AUDIT_KEY)) return metadata;
  const { [AUDIT_KEY]: _ours, ...rest } = metadata;
  return rest;
}

/** Creates the operations bound to a store and configuration. */
export function createEngine(config: EngineConfig): Engine {
  const ttlMs = (config.payloadTtlSeconds ?? 86_400) * 1000;
  const limits = config.limits ?? {};
  const maxMetadataBytes = config.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES;
  /** A 413 for a stored field over the limit: it would be kept for as long as its payload. */
  const checkStoredSize = (field: 'metadata' | 'replay_meta', value: unknown) => {
    if (value === null || value === undefined) return;
    const bytes = utf8Length(stringifyJson(value));
    if (bytes > maxMetadataBytes) {
      throw new KaizenProblem(ErrorCode.PAYLOAD_TOO_LARGE, `\`${field}\` is ${bytes} bytes as JSON; the server keeps at most ${maxMetadataBytes}. Send less, or store it elsewhere and send its reference.`);
    }
  };
  const clock = config.now ?? Date.now;
  const makeId = config.newPayloadId ?? newPayloadId;
  const startedAt = clock();

  const compute = config.compute ?? createComputations(limits);

  /** The stored payload of an id-shaped `ktof` value (never read as KTOF): 410 past its retention, 404 when unknown. */
  async function storedPayload(id: string, tenant: string, now: number): Promise<StoredPayload> {
    const lookup = await config.store.get(tenant, id, now);
    if (lookup.status === 'expired') throw new KaizenProblem(ErrorCode.PAYLOAD_EXPIRED, `Payload ${id} passed its retention window and its content was deleted.`);
    if (lookup.status === 'missing') throw new KaizenProblem(ErrorCode.PAYLOAD_NOT_FOUND, `No payload ${id} for this account.${idLengthHint(id)}`);
    return lookup.payload;
  }

  /** The stored payload of an id read by a caller, that read recorded in the payload's replay log (its audit of who read it when). */
  async function readStored(id: string, context: OperationContext, replay: Pick<PayloadReplay, 'replayMeta' | 'metadata'> = { replayMeta: null, metadata: null }): Promise<StoredPayload> {
    const now = context.now ?? clock();
    const stored = await storedPayload(id, context.tenant, now);
    await config.store.recordReplay(context.tenant, id, { at: now, requestId: context.requestId, ...replay });
    return stored;
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

    async decompress(request, context) {
      const id = request.data.trim();
      if (PAYLOAD_ID_SHAPE.test(id)) {
        // A payload id from prompts.encode: the stored prompt, exactly as prompts.decode gives it.
        // The read is recorded as optimize.response's are, with no replay_meta to keep: the replay
        // log is the payload's audit of who read the stored prompt when, and a read through
        // decompress left out of it would make that audit incomplete.
        const stored = await readStored(id, context);
        const encoded = typeof stored.encoded === 'string' ? stored.encoded : stringifyJson(stored.encoded);
        const stats = sizeStats(jsonByteLength(stored.original), utf8Length(encoded));
        return { operation: 'decompress', status: 'ok', result: stored.original, data: stored.original, stats, meta: { ...FORMAT, source: 'payload', payload_id: id } };
      }
      // No blank check here: the empty document is the KTOF of {} and must round-trip.
      const { value, stats } = await compute.decode({ text: request.data, as: 'document', options: toDecodeOptions(request.options, limits) }, context);
      return { operation: 'decompress', status: 'ok', result: value, data: value, stats: stats!, meta: { ...FORMAT, source: 'inline' } };
    },

    async optimizeRequest(request, context) {
      const { result, prompt, meta, stats, token_stats, prompt_stats, prompt_token_stats } = await compute.encodePrompt(request, context);
      return { operation: 'optimize.request', status: 'ok', result, stats, token_stats, prompt, prompt_stats, prompt_token_stats, metadata: echoedMetadata(clientMetadata(request.metadata), request.prompt), meta };
    },

    async optimizeResponse(request, context) {
      requireText(request.ktof, 'ktof', 'send the model reply');
      const id = request.ktof.trim();
      if (PAYLOAD_ID_SHAPE.test(id)) {
        // A payload id from prompts.encode: the stored prompt, exactly as prompts.decode gives it.
        const stored = await readStored(id, context);
        return { operation: 'optimize.response', status: 'ok', result: stored.original, data: stored.original, meta: { ...FORMAT, is_ktof: true, source: 'payload' } };
      }
      const reply = await compute.decode({ text: request.ktof, as: 'reply', options: toDecodeOptions(request.options, limits) }, context);
      return {
        operation: 'optimize.response',
        status: 'ok',
        result: reply.value,
        data: reply.value,
        meta: { ...FORMAT, is_ktof: reply.isKtof, source: reply.source },
      };
    },

    async promptsEncode(request, context) {
      checkStoredSize('metadata', request.metadata);
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
          ...clientMetadata(request.metadata),
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
        prompt,
        prompt_stats,
        prompt_token_stats,
        metadata: echoedMetadata(clientMetadata(request.metadata), request.prompt),
        meta: { ...meta, payload_id: id, expires_at },
      };
    },

    async promptsDecode(request, context) {
      requireText(request.ktof, 'ktof', 'send KTOF text or a payload id (kz_...)');
      const text = request.ktof.trim();
      if (PAYLOAD_ID_SHAPE.test(text)) {
        checkStoredSize('metadata', request.metadata);
        checkStoredSize('replay_meta', request.replay_meta);
        const stored = await readStored(text, context, { replayMeta: request.replay_meta ?? null, metadata: clientMetadata(request.metadata) });
        // Stored fields win: audit fields and encode-time metadata are never overwritten.
        const metadata = { ...clientMetadata(request.metadata), ...stored.metadata };
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
      const { value } = await compute.decode({ text: request.ktof, as: 'inline', options: toDecodeOptions(request.options, limits) }, context);
      return {
        operation: 'prompts.decode',
        status: 'ok',
        result: value,
        data: value,
        metadata: clientMetadata(request.metadata),
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
 * The envelope's `metadata`: the request's own, else the `metadata` object at the top of the
 * payload (a chat request's or a document's), as the original service echoes it; else null.
 */
function echoedMetadata(requested: Record<string, unknown> | null | undefined, payload: unknown): Record<string, unknown> | null {
  if (requested) return requested;
  const inner = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>).metadata : undefined;
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.hasOwn(payload as object, 'metadata') ? (inner as Record<string, unknown>) : null;
}
