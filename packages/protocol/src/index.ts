/** @kaizen/protocol: the Kaizen wire contract (zod schemas, envelopes, errors, OpenAPI). Browser-safe. */
export * from './schemas.js';
export type * from './envelope.js';
export * from './errors.js';
export * from './routes.js';
export { generateOpenApi } from './openapi.js';
export { isEnvelopeOf, parseRequest } from './parse.js';
