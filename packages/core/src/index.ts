/** @kaizen/core: the Kaizen operations producing wire envelopes (server and SDK local client). */
export type { StoredPayload, PayloadReplay, PayloadLookup, PayloadStore } from './store.js';
export { createEngine, AUDIT_KEY, type Engine, type EngineConfig } from './engine.js';
export type { OperationContext } from './types.js';
export { createComputations, type Computations, type DataComputation, type PromptComputation, type PromptRequest } from './compute.js';
export { MemoryPayloadStore, type MemoryPayloadStoreOptions } from './memory-store.js';
export { newPayloadId } from './payload-id.js';
export { utf8Length } from './measure.js';
export { KaizenProblem, isKaizenProblem, ErrorCode, parseRequest } from '@kaizen/protocol';
