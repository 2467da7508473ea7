/**
 * Generates the OpenAPI 3.1 document served at /openapi.json from the same zod schemas that
 * validate requests, so the contract and the validation can never drift apart.
 */
import * as z from 'zod'; // namespace import: lets bundlers drop zod's locales (~360 KB) from browser builds
import type { Operation } from './envelope.js';
import { RESPONSE_COMPONENTS, responseSchemaName } from './responses.js';
import { BODY_OPERATION_NAMES, OPERATION_NAMES, OPERATIONS, type RouteSpec } from './routes.js';

type Json = Record<string, unknown>;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Removes noise zod adds that the contract does not carry (the safe-integer bound). */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if ((key === 'maximum' && value === MAX_SAFE) || (key === 'minimum' && value === -MAX_SAFE) || key === '$schema') continue;
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/$defs/', '#/components/schemas/');
    else out[key] = tidy(value);
  }
  return out;
}

const ValidationError = {
  type: 'object',
  title: 'ValidationError',
  required: ['loc', 'msg', 'type'],
  properties: {
    loc: { type: 'array', title: 'Location', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    msg: { type: 'string', title: 'Message' },
    type: { type: 'string', title: 'Error Type' },
  },
};

const HTTPValidationError = {
  type: 'object',
  title: 'HTTPValidationError',
  properties: {
    detail: { type: 'array', title: 'Detail', items: { $ref: '#/components/schemas/ValidationError' } },
    code: { type: 'string' },
    request_id: { type: 'string' },
  },
};

const ErrorBody = {
  type: 'object',
  title: 'ErrorBody',
  required: ['detail', 'code', 'request_id'],
  properties: {
    detail: { type: 'string' },
    code: { type: 'string' },
    request_id: { type: 'string' },
    line: { type: 'integer', description: 'malformed_ktof: 1-based line' },
    column: { type: 'integer', description: 'malformed_ktof: 1-based column' },
    reason: { type: 'string', description: 'malformed_ktof: what is wrong there (detail without the location)' },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

/** The operations that read a payload id from prompts.encode, and the field they read it from. */
const PAYLOAD_ID_FIELDS: Partial<Record<Operation, string>> = { decompress: 'data', 'optimize.response': 'ktof', 'prompts.decode': 'ktof' };

function operationId(name: string, spec: RouteSpec): string {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return `${snake}_${spec.path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'root'}_${spec.method.toLowerCase()}`;
}

/** The OpenAPI 3.1 document of the Kaizen API. Deterministic for a given version. */
export function generateOpenApi(options: { version?: string; serverUrl?: string } = {}): Json {
  const bodies: Record<string, z.ZodType> = {};
  for (const name of BODY_OPERATION_NAMES) bodies[OPERATIONS[name].path] = OPERATIONS[name].request;
  const generated = z.toJSONSchema(z.object(bodies), { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
  const defs = tidy(generated['$defs'] ?? {}) as Json;
  const schemas: Json = {};
  for (const name of Object.keys(defs).sort()) schemas[name] = defs[name];
  Object.assign(schemas, { ValidationError, HTTPValidationError, ErrorBody }, RESPONSE_COMPONENTS);

  const paths: Json = {};
  for (const name of OPERATION_NAMES) {
    const spec: RouteSpec = OPERATIONS[name];
    const responses: Json = {
      '200': {
        description: 'Successful Response',
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${responseSchemaName(spec.operation)}` } } },
      },
    };
    const op: Json = { summary: spec.summary, operationId: operationId(name, spec), 'x-kaizen-operation': spec.operation };
    if (spec.method === 'POST') {
      const id = (z.globalRegistry.get(spec.request) as { id?: string } | undefined)?.id;
      op['requestBody'] = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${id}` } } } };
      op['security'] = [{ ApiKeyHeader: [] }, { BearerAuth: [] }];
      Object.assign(responses, {
        '400': errorResponse('Malformed JSON or KTOF, or an invalid payload'),
        '401': errorResponse('Missing or invalid API key'),
        '403': errorResponse('Key not allowed here (revoked)'),
        '413': errorResponse('Body larger than the configured maximum, or metadata/replay_meta over the size the store keeps'),
        '415': errorResponse('Body not declared as JSON (Content-Type must be application/json)'),
        '422': { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } },
        '429': errorResponse('Rate limit exceeded; see Retry-After'),
      });
      const idField = PAYLOAD_ID_FIELDS[spec.operation];
      if (idField) {
        Object.assign(responses, {
          '404': errorResponse(`A \`${idField}\` value shaped like a payload id (kz_ + id characters, any length or letter case) that names no payload of this account`),
          '410': errorResponse('Payload id past its retention window'),
        });
      }
    }
    op['responses'] = responses;
    paths[spec.path] = { [spec.method.toLowerCase()]: op };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Kaizen API',
      version: options.version ?? '0.0.0',
      description: 'JSON and chat payloads to KTOF (Kaizen Token Optimized Format) and back, with token statistics and a payload store.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas,
      securitySchemes: {
        ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        BearerAuth: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
