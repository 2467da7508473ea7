/** @kaizen/sdk: the Kaizen API client (remote or in-process), its errors and helpers. */
export { KaizenClient, type LocalClientOptions, type BatchOptions, type CacheStats, type CallOptions, type BatchResult } from './client.js';
export { configFromEnv, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER, type KaizenClientConfig, type Env } from './config.js';
export * from './errors.js';
export type { KaizenRequestInfo, KaizenResponseInfo, KaizenRequestHook, KaizenResponseHook } from './hooks.js';
export type { KaizenLogger, LogLevel } from './internal/log.js';
export type { ResponseCacheOptions } from './internal/cache.js';
export { withKaizenClient } from './lifecycle.js';
export { decodeStream, KaizenDecodeError, type KtofStream, type KtofStreamEvent, type KtofParseEvent, type KtofChunks, type DecodeStreamOptions } from './stream.js';
export { SDK_VERSION } from './version.js';
// The wire contract: request models (zod schemas + types) and typed envelopes.
export {
  EncodeOptionsSchema,
  DecodeOptionsSchema,
  EncodeRequestSchema,
  OptimizeRequestSchema,
  DecodeRequestSchema,
  OptimizeRequestPayloadSchema,
  OptimizeResponsePayloadSchema,
  PromptEncodePayloadSchema,
  PromptDecodePayloadSchema,
  type EncodeOptions,
  type DecodeOptions,
  type EncodeRequest,
  type OptimizeRequest,
  type DecodeRequest,
  type OptimizeRequestPayload,
  type OptimizeResponsePayload,
  type PromptEncodePayload,
  type PromptDecodePayload,
  type ValidationDetail,
  type ErrorBody,
} from '@kaizen/protocol';
export type {
  Operation,
  Stats,
  TokenCount,
  TokenStats,
  DetectionMeta,
  FormatMeta,
  PromptMeta,
  CompressResponse,
  DecompressResponse,
  OptimizeResponse,
  OptimizeRequestResponse,
  OptimizeResponseResponse,
  PromptsEncodeResponse,
  PromptsDecodeResponse,
  HealthResponse,
  EnvelopeByOperation,
} from '@kaizen/protocol';
