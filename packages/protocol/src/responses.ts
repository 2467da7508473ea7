/**
 * JSON Schemas of the success bodies, one per operation, for the OpenAPI document. They mirror
 * the envelope types in envelope.ts (written out, since responses are built by @kaizen/core,
 * not parsed by zod); the server's tests check every route's real answer against them.
 * Objects stay open (`additionalProperties: true`): new fields are additive by contract.
 */
import type { Operation } from './envelope.js';
import { PAYLOAD_ID_PATTERN } from './routes.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const object = (title: string, required: string[], properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  title,
  ...(description ? { description } : {}),
  required,
  additionalProperties: true,
  properties,
});
const operation = (name: Operation): Schema => ({ const: name });
const status = { const: 'ok' };
const anyJson: Schema = { description: 'Any JSON value' };
const nullableObject: Schema = { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }] };

const Stats = object(
  'Stats',
  ['original_bytes', 'compressed_bytes', 'reduction_ratio', 'bytes_saved'],
  {
    original_bytes: { type: 'integer', minimum: 0, description: 'UTF-8 bytes of the compact JSON' },
    compressed_bytes: { type: 'integer', minimum: 0, description: 'UTF-8 bytes of the KTOF' },
    reduction_ratio: { type: 'number', minimum: 0, description: 'compressed_bytes / original_bytes' },
    bytes_saved: { type: 'integer' },
    tokens_saved: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Per requested model: original - compressed tokens' },
  },
  'Size statistics: compact JSON vs KTOF.',
);

const TokenCount = object('TokenCount', ['original', 'compressed', 'estimated', 'encoding'], {
  original: { type: 'integer', minimum: 0 },
  compressed: { type: 'integer', minimum: 0 },
  estimated: { type: 'boolean', description: 'True when no exact offline tokenizer exists for the model' },
  encoding: { type: 'string', description: 'Tokenizer used, e.g. o200k_base, claude, estimate' },
});

const TokenStats = { type: 'object', title: 'TokenStats', description: 'One entry per requested model, keyed by the name as sent', additionalProperties: ref('TokenCount') };

const formatFields = { format: { const: 'ktof' }, version: { type: 'string' } };
const FormatMeta = object('FormatMeta', ['format', 'version'], formatFields);

const DetectionMeta = object('DetectionMeta', ['path', 'kind'], {
  path: { type: 'string', description: 'JSON pointer of the string that held JSON' },
  kind: { type: 'string', enum: ['whole', 'fenced', 'embedded', 'value'] },
  original_tokens: { type: 'integer' },
  encoded_tokens: { type: 'integer' },
});

const promptMetaFields = {
  ...formatFields,
  auto_detect_json: { type: 'boolean' },
  detections: { type: 'array', items: ref('DetectionMeta') },
  schemas_used: { type: 'array', items: { type: 'string' } },
};
const PromptMeta = object('PromptMeta', ['format', 'version', 'auto_detect_json', 'detections', 'schemas_used'], promptMetaFields);

const promptEncodingFields = {
  result: { type: 'string', description: 'The whole prompt as ONE KTOF string (JSON inside strings folded in as $json/$text). prompts.decode and optimize.response {"ktof": result} return the exact original prompt.' },
  stats: ref('Stats'),
  token_stats: ref('TokenStats'),
  prompt: { ...anyJson, description: 'The vendor-ready request: same shape as the prompt sent, JSON inside message strings replaced by ```ktof fragments (add the KTOF primer once). Any value that is not a chat request or string: one KTOF string.' },
  prompt_stats: ref('Stats'),
  prompt_token_stats: ref('TokenStats'),
  metadata: { ...nullableObject, description: "The request's metadata, else the prompt's top-level metadata object, echoed" },
};
const promptEncodingRequired = ['operation', 'status', 'result', 'stats', 'token_stats', 'prompt', 'prompt_stats', 'prompt_token_stats', 'metadata', 'meta'];

/** Component schemas shared by the responses. */
export const RESPONSE_COMPONENTS: Record<string, Schema> = {
  Stats,
  TokenCount,
  TokenStats,
  FormatMeta,
  DetectionMeta,
  PromptMeta,
  HealthResponse: object('HealthResponse', ['operation', 'status', 'uptime', 'version', 'ktof_version'], {
    operation: operation('health'),
    status,
    uptime: { type: 'integer', minimum: 0, description: 'Seconds since the server started' },
    version: { type: 'string' },
    ktof_version: { type: 'string' },
    backend: { type: 'string', description: 'Store in use, e.g. sqlite or redis' },
    auth: { type: 'object', additionalProperties: true },
    limits: { type: 'object', additionalProperties: true },
  }, 'Health: no `result`; needs no API key.'),
  CompressResponse: object('CompressResponse', ['operation', 'status', 'result', 'stats', 'metadata', 'meta'], {
    operation: operation('compress'),
    status,
    result: { type: 'string', description: 'KTOF text' },
    stats: ref('Stats'),
    metadata: { ...nullableObject, description: 'The metadata object at the top of data, echoed' },
    meta: ref('FormatMeta'),
  }),
  OptimizeResponse: object('OptimizeResponse', ['operation', 'status', 'result', 'stats', 'token_stats', 'metadata', 'meta'], {
    operation: operation('optimize'),
    status,
    result: { type: 'string', description: 'KTOF text' },
    stats: ref('Stats'),
    token_stats: ref('TokenStats'),
    metadata: { ...nullableObject, description: 'The metadata object at the top of data, echoed' },
    meta: ref('FormatMeta'),
  }),
  DecompressResponse: object('DecompressResponse', ['operation', 'status', 'result', 'data', 'stats', 'meta'], {
    operation: operation('decompress'),
    status,
    result: { ...anyJson, description: 'The decoded value: the JSON given to compress/optimize, or the prompt given to prompts.encode (inline result or payload id)' },
    data: { ...anyJson, description: 'The decoded value (same as result)' },
    stats: { ...ref('Stats'), description: "Inline: the decoded JSON's bytes vs the KTOF's. By payload id: the stored prompt's vs its result's." },
    meta: object('DecompressMeta', ['format', 'version', 'source'], {
      ...formatFields,
      source: { type: 'string', enum: ['inline', 'payload'], description: 'payload: data was a payload id and the stored prompt came back' },
      payload_id: { type: 'string', description: 'The payload id read (source payload only)' },
    }),
  }),
  OptimizeRequestResponse: object('OptimizeRequestResponse', promptEncodingRequired, {
    operation: operation('optimize.request'),
    status,
    ...promptEncodingFields,
    meta: ref('PromptMeta'),
  }),
  OptimizeResponseResponse: object('OptimizeResponseResponse', ['operation', 'status', 'result', 'data', 'meta'], {
    operation: operation('optimize.response'),
    status,
    result: { ...anyJson, description: 'The decoded reply or prompt; the reply text unchanged when it held no KTOF' },
    data: { ...anyJson, description: 'Same as result' },
    meta: object('OptimizeResponseMeta', ['format', 'version', 'is_ktof', 'source'], {
      ...formatFields,
      is_ktof: { type: 'boolean' },
      source: { type: 'string', enum: ['whole', 'fenced', 'none', 'payload'] },
    }),
  }),
  PromptsEncodeResponse: object('PromptsEncodeResponse', promptEncodingRequired, {
    operation: operation('prompts.encode'),
    status,
    ...promptEncodingFields,
    meta: {
      allOf: [
        ref('PromptMeta'),
        object('StoredPayloadMeta', ['payload_id', 'expires_at'], {
          payload_id: { type: 'string', pattern: PAYLOAD_ID_PATTERN.source },
          expires_at: { type: 'string', format: 'date-time' },
        }),
      ],
    },
  }),
  PromptsDecodeResponse: object('PromptsDecodeResponse', ['operation', 'status', 'result', 'data', 'metadata', 'replay_meta', 'meta'], {
    operation: operation('prompts.decode'),
    status,
    result: { ...anyJson, description: 'The prompt: stored original (by id) or decoded inline KTOF' },
    data: { ...anyJson, description: 'Same as result' },
    metadata: { ...nullableObject, description: 'Stored metadata merged with the request metadata (stored fields win)' },
    replay_meta: { ...nullableObject, description: "The request's replay_meta, echoed (recorded with the replay when decoding by id)" },
    meta: object('PromptsDecodeMeta', ['format', 'version', 'source', 'replay_recorded'], {
      ...formatFields,
      source: { type: 'string', enum: ['payload', 'inline'] },
      payload_id: { type: 'string' },
      replay_recorded: { type: 'boolean' },
    }),
  }),
};

const NAMES: Record<Operation, string> = {
  health: 'HealthResponse',
  compress: 'CompressResponse',
  decompress: 'DecompressResponse',
  optimize: 'OptimizeResponse',
  'optimize.request': 'OptimizeRequestResponse',
  'optimize.response': 'OptimizeResponseResponse',
  'prompts.encode': 'PromptsEncodeResponse',
  'prompts.decode': 'PromptsDecodeResponse',
};

/** The component name of an operation's success body. */
export function responseSchemaName(operation: Operation): string {
  return NAMES[operation];
}
