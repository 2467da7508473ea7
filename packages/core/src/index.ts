/** @kaizen/core: the Kaizen operations producing wire envelopes (server and SDK local client). */
export type { StoredPayload, PayloadReplay, PayloadLookup, PayloadStore } from './store.js';
export { createEngine, AUDIT_KEY, type Engine, type EngineConfig, type OperationHandler, type OperationHandlers } from './engine.js';
export type { OperationContext } from './types.js';
export { createComputations, type Computations, type DataComputation, type DecodeComputation, type DecodeRequest, type PromptComputation, type PromptRequest } from './compute.js';
export { MAX_DEPTH, MAX_REQUEST_DEPTH, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_KEYS, DEFAULT_LIMITS, type Limits, DEFAULT_MAX_METADATA_BYTES, MAX_REPLAYS_PER_PAYLOAD, MAX_REPLAY_BYTES_PER_PAYLOAD, MIN_UNFOLD_CHARS, UNFOLD_RATIO } from './limits.js';
export { MemoryPayloadStore, type MemoryPayloadStoreOptions } from './memory-store.js';
export { newPayloadId } from './payload-id.js';
export { utf8Length } from './measure.js';
export { KaizenProblem, isKaizenProblem, ErrorCode, parseRequest } from '@kaizen/protocol';
export { TextCache } from './text-cache.js';
