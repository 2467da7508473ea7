/**
 * The route table: one entry per operation, shared by the server (mounting), the SDK
 * (paths) and the OpenAPI generator. Keys are the engine/SDK method names.
 */
import type { z } from 'zod';
import {
  DecodeRequestSchema,
  EncodeRequestSchema,
  OptimizeRequestPayloadSchema,
  OptimizeRequestSchema,
  OptimizeResponsePayloadSchema,
  PromptDecodePayloadSchema,
  PromptEncodePayloadSchema,
} from './schemas.js';
import type { Operation } from './envelope.js';

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  operation: Operation;
  summary: string;
  /** The request body schema (POST routes). */
  body?: z.ZodType;
}

export const ROUTES = {
  health: { method: 'GET', path: '/', operation: 'health', summary: 'Health: uptime, version, backend' },
  compress: { method: 'POST', path: '/v1/compress', operation: 'compress', summary: 'Any JSON to KTOF with size stats', body: EncodeRequestSchema },
  decompress: { method: 'POST', path: '/v1/decompress', operation: 'decompress', summary: 'KTOF to JSON', body: DecodeRequestSchema },
  optimize: { method: 'POST', path: '/v1/optimize', operation: 'optimize', summary: 'Compress with per-model token stats', body: OptimizeRequestSchema },
  optimizeRequest: { method: 'POST', path: '/v1/optimize/request', operation: 'optimize.request', summary: 'Compress an outbound provider request (messages, tools, input)', body: OptimizeRequestPayloadSchema },
  optimizeResponse: { method: 'POST', path: '/v1/optimize/response', operation: 'optimize.response', summary: 'Decode a provider reply written in KTOF', body: OptimizeResponsePayloadSchema },
  promptsEncode: { method: 'POST', path: '/v1/prompts/encode', operation: 'prompts.encode', summary: 'Encode a prompt and store it under a payload id', body: PromptEncodePayloadSchema },
  promptsDecode: { method: 'POST', path: '/v1/prompts/decode', operation: 'prompts.decode', summary: 'Decode inline KTOF or a stored payload id', body: PromptDecodePayloadSchema },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** Recognisable prefix of stored payload ids. */
export const PAYLOAD_ID_PREFIX = 'kz_';
/** A payload id: `kz_` + 128 random bits in base64url (22 characters). */
export const PAYLOAD_ID_PATTERN = /^kz_[A-Za-z0-9_-]{22}$/;
/** Length of a payload id (prefix included). */
export const PAYLOAD_ID_LENGTH = 25;
/**
 * What prompts.decode and optimize.response treat as a payload id and look up, never as KTOF: the prefix in any
 * letter case, then only id characters, any length (so a mistyped id is a 404, not a string).
 * The prompt documents prompts.encode returns never have this shape.
 */
export const PAYLOAD_ID_SHAPE = /^kz_[A-Za-z0-9_-]*$/i;

/** The parsed (defaults applied) body of each POST route. */
export interface ParsedBodies {
  compress: import('./schemas.js').ParsedEncodeRequest;
  decompress: import('./schemas.js').ParsedDecodeRequest;
  optimize: import('./schemas.js').ParsedOptimizeRequest;
  optimizeRequest: import('./schemas.js').ParsedOptimizeRequestPayload;
  optimizeResponse: import('./schemas.js').ParsedOptimizeResponsePayload;
  promptsEncode: import('./schemas.js').ParsedPromptEncodePayload;
  promptsDecode: import('./schemas.js').ParsedPromptDecodePayload;
}
export type BodyRouteName = keyof ParsedBodies;
