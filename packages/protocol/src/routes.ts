/**
 * The operation table: the one place an operation is defined. Each row gives its HTTP method
 * and path, its wire `operation` name and its request schema; the request types (as sent, and
 * parsed with defaults applied) and the response envelope type follow from the row. The server
 * mounts its routes from it, @kaizen/core implements one handler per row (`OperationHandlers`),
 * the SDK sends every call through it, and the OpenAPI generator documents it. Keys are the
 * engine/SDK method names. Adding an operation: one row here, its envelope in envelope.ts and
 * responses.ts, and its handler in core.
 */
import * as z from 'zod'; // namespace import: lets bundlers drop zod's locales (~360 KB) from browser builds
import {
  DecodeRequestSchema,
  EncodeRequestSchema,
  OptimizeRequestPayloadSchema,
  OptimizeRequestSchema,
  OptimizeResponsePayloadSchema,
  PromptDecodePayloadSchema,
  PromptEncodePayloadSchema,
} from './schemas.js';
import type { EnvelopeByOperation, Operation } from './envelope.js';

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  operation: Operation;
  summary: string;
  /** The request schema: the JSON body of a POST; `undefined` (no body) for a GET. */
  request: z.ZodType;
}

/** A GET takes no body: its request is `undefined`. */
const NoBody = z.undefined();

export const OPERATIONS = {
  health: { method: 'GET', path: '/', operation: 'health', summary: 'Health: uptime, version, backend', request: NoBody },
  compress: { method: 'POST', path: '/v1/compress', operation: 'compress', summary: 'Any JSON to KTOF with size stats', request: EncodeRequestSchema },
  decompress: { method: 'POST', path: '/v1/decompress', operation: 'decompress', summary: 'KTOF to JSON', request: DecodeRequestSchema },
  optimize: { method: 'POST', path: '/v1/optimize', operation: 'optimize', summary: 'Compress with per-model token stats', request: OptimizeRequestSchema },
  optimizeRequest: { method: 'POST', path: '/v1/optimize/request', operation: 'optimize.request', summary: 'Compress an outbound provider request (messages, tools, input)', request: OptimizeRequestPayloadSchema },
  optimizeResponse: { method: 'POST', path: '/v1/optimize/response', operation: 'optimize.response', summary: 'Decode a provider reply written in KTOF', request: OptimizeResponsePayloadSchema },
  promptsEncode: { method: 'POST', path: '/v1/prompts/encode', operation: 'prompts.encode', summary: 'Encode a prompt and store it under a payload id', request: PromptEncodePayloadSchema },
  promptsDecode: { method: 'POST', path: '/v1/prompts/decode', operation: 'prompts.decode', summary: 'Decode inline KTOF or a stored payload id', request: PromptDecodePayloadSchema },
} as const satisfies Record<string, RouteSpec>;

/** @deprecated The same table under its former name; use OPERATIONS. */
export const ROUTES = OPERATIONS;

type Table = typeof OPERATIONS;
/** An operation by its method name (`compress`, `optimizeRequest`, ...). */
export type OperationName = keyof Table;
/** @deprecated Use OperationName. */
export type RouteName = OperationName;
/** The operations that take a JSON body (POST). */
export type BodyOperationName = { [K in OperationName]: Table[K]['method'] extends 'POST' ? K : never }[OperationName];
/** @deprecated Use BodyOperationName. */
export type BodyRouteName = BodyOperationName;

/** The request of an operation as a caller writes it (defaults optional). */
export type RequestOf<K extends OperationName> = z.input<Table[K]['request']>;
/** The request of an operation once validated, defaults applied: what its handler takes. */
export type Parsed<K extends OperationName> = z.output<Table[K]['request']>;
/** The success envelope an operation answers with. */
export type Envelope<K extends OperationName> = EnvelopeByOperation[Table[K]['operation']];
/** The parsed body of each POST operation. */
export type ParsedBodies = { [K in BodyOperationName]: Parsed<K> };

/** Every operation name, in table order. */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[]; // Object.keys forgets the key type
/** The operations that take a JSON body, in table order. */
export const BODY_OPERATION_NAMES = OPERATION_NAMES.filter((name): name is BodyOperationName => OPERATIONS[name].method === 'POST');

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
