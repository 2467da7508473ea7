/**
 * @kaizen/ktof: JSON <-> KTOF (Kaizen Token Optimized Format). Reads TOON and JSON as well.
 */
export type { JsonPrimitive, JsonValue, JsonObject, EncodeOptions, DecodeOptions, KtofEvent } from './shared/types.js';
export { KtofDecodeError, KtofEncodeError } from './shared/errors.js';
export type { KtofDecodeErrorCode, KtofEncodeErrorCode, KtofEncodeErrorDetails } from './shared/errors.js';
export { KTOF_VERSION, KTOF_PRIMER, DEFAULT_MAX_DEPTH } from './shared/constants.js';
export { encode, encodeLines, estimateTokens } from './encode/index.js';
export { decode, KtofStreamDecoder, decodeStream, decodeStreamEvents, buildValue } from './decode/index.js';
export { KtofNumber, type NumberMode } from './shared/exact-number.js';
export { parseJson, stringifyJson, mayLoseNumbers, scanJson, needsExactJson, RawJson, type ParseJsonOptions, type JsonTextScan } from './json.js';
