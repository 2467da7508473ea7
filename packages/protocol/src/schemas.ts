/**
 * The request schemas of the Kaizen wire contract. One set of zod schemas validates requests
 * on the server, in the SDK, and generates the served OpenAPI document (see openapi.ts).
 * Every object is strict: an unknown field is a validation error, never silently dropped.
 */
import * as z from 'zod'; // namespace import: lets bundlers drop zod's locales (~360 KB) from browser builds

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON object of caller data (correlation ids, audit context), passed through as received:
 * zod's record/object parsers rebuild the object and drop a `__proto__` key, and metadata is
 * echoed back unchanged.
 */
const JsonObject = z
  .custom<Record<string, unknown>>(isPlainObject, { message: 'Input should be a valid dictionary', params: { pydanticType: 'dict_type' }, abort: true })
  .meta({ type: 'object', additionalProperties: true });

/** Options of the KTOF encoder. `null` means "use the default", as in the original contract. */
export const EncodeOptionsSchema = z
  .strictObject({
    indent: z.int().min(1).nullish().meta({ title: 'Indent' }),
    delimiter: z.string().length(1).nullish().meta({ title: 'Delimiter' }),
    length_marker: z.union([z.boolean(), z.string()]).nullish().meta({ title: 'Length Marker' }),
  })
  .meta({ id: 'EncodeOptions', title: 'EncodeOptions' });

/** Options of the KTOF decoder. `strict` defaults to true. */
export const DecodeOptionsSchema = z
  .strictObject({
    indent: z.int().min(1).nullish().meta({ title: 'Indent' }),
    strict: z.boolean().nullish().default(true).meta({ title: 'Strict' }),
  })
  .meta({ id: 'DecodeOptions', title: 'DecodeOptions' });

const tokenModels = z
  .array(z.string())
  .nullish()
  .meta({ title: 'Token Models', description: 'Models to count tokens for, e.g. ["gpt-4o-mini", "claude-3-5-sonnet"].' });
const metadata = JsonObject.nullish().meta({ title: 'Metadata', description: 'Echoed back unchanged.' });
const autoDetectJson = z.boolean().default(true).meta({ title: 'Auto Detect Json' });

/** `POST /v1/compress`: any JSON value to KTOF. */
export const EncodeRequestSchema = z
  .strictObject({
    data: z.unknown().meta({ title: 'Data' }),
    options: EncodeOptionsSchema.nullish(),
  })
  .meta({ id: 'EncodeRequest', title: 'EncodeRequest' });

/** `POST /v1/optimize`: an EncodeRequest plus the models to count tokens for. */
export const OptimizeRequestSchema = z
  .strictObject({
    data: z.unknown().meta({ title: 'Data' }),
    options: EncodeOptionsSchema.nullish(),
    token_models: tokenModels,
  })
  .meta({ id: 'OptimizeRequest', title: 'OptimizeRequest' });

/** `POST /v1/decompress`: KTOF text (what compress, optimize or prompts.encode returned), or a payload id, back to JSON. */
export const DecodeRequestSchema = z
  .strictObject({
    data: z.string().meta({
      title: 'Data',
      description: 'KTOF text returned by compress, optimize, optimize.request or prompts.encode (result), or a payload id (kz_...) from prompts.encode; either gives back the exact JSON or prompt that was sent.',
    }),
    options: DecodeOptionsSchema.nullish(),
  })
  .meta({ id: 'DecodeRequest', title: 'DecodeRequest' });

/** `POST /v1/optimize/request`: an outbound provider request (messages, tools, input). */
export const OptimizeRequestPayloadSchema = z
  .strictObject({
    prompt: z.unknown().meta({ title: 'Prompt' }),
    options: EncodeOptionsSchema.nullish(),
    auto_detect_json: autoDetectJson,
    metadata,
    token_models: tokenModels,
  })
  .meta({ id: 'OptimizeRequestPayload', title: 'OptimizeRequestPayload' });

/** `POST /v1/optimize/response`: a provider reply that may be written in KTOF. */
export const OptimizeResponsePayloadSchema = z
  .strictObject({
    ktof: z.string().meta({ title: 'Ktof' }),
    options: DecodeOptionsSchema.nullish(),
  })
  .meta({ id: 'OptimizeResponsePayload', title: 'OptimizeResponsePayload' });

/** `POST /v1/prompts/encode`: encode a prompt and store it under a payload id. */
export const PromptEncodePayloadSchema = z
  .strictObject({
    prompt: z.unknown().meta({ title: 'Prompt' }),
    options: EncodeOptionsSchema.nullish(),
    auto_detect_json: autoDetectJson,
    schemas: JsonObject.nullish().meta({ title: 'Schemas' }),
    metadata,
    token_models: tokenModels,
  })
  .meta({ id: 'PromptEncodePayload', title: 'PromptEncodePayload' });

/** `POST /v1/prompts/decode`: inline KTOF, or a payload id from prompts.encode, back to JSON. */
export const PromptDecodePayloadSchema = z
  .strictObject({
    ktof: z.string().meta({ title: 'Ktof', description: 'Inline KTOF text, or a payload id (kz_...) from prompts.encode.' }),
    options: DecodeOptionsSchema.nullish(),
    replay_meta: JsonObject.nullish().meta({ title: 'Replay Meta' }),
    metadata,
  })
  .meta({ id: 'PromptDecodePayload', title: 'PromptDecodePayload' });

/** What callers send (defaults not yet applied). */
export type EncodeOptions = z.input<typeof EncodeOptionsSchema>;
export type DecodeOptions = z.input<typeof DecodeOptionsSchema>;
export type EncodeRequest = z.input<typeof EncodeRequestSchema>;
export type OptimizeRequest = z.input<typeof OptimizeRequestSchema>;
export type DecodeRequest = z.input<typeof DecodeRequestSchema>;
export type OptimizeRequestPayload = z.input<typeof OptimizeRequestPayloadSchema>;
export type OptimizeResponsePayload = z.input<typeof OptimizeResponsePayloadSchema>;
export type PromptEncodePayload = z.input<typeof PromptEncodePayloadSchema>;
export type PromptDecodePayload = z.input<typeof PromptDecodePayloadSchema>;

/** What a successful parse yields (defaults applied): the engine's input. */
export type ParsedEncodeOptions = z.output<typeof EncodeOptionsSchema>;
export type ParsedDecodeOptions = z.output<typeof DecodeOptionsSchema>;
export type ParsedEncodeRequest = z.output<typeof EncodeRequestSchema>;
export type ParsedOptimizeRequest = z.output<typeof OptimizeRequestSchema>;
export type ParsedDecodeRequest = z.output<typeof DecodeRequestSchema>;
export type ParsedOptimizeRequestPayload = z.output<typeof OptimizeRequestPayloadSchema>;
export type ParsedOptimizeResponsePayload = z.output<typeof OptimizeResponsePayloadSchema>;
export type ParsedPromptEncodePayload = z.output<typeof PromptEncodePayloadSchema>;
export type ParsedPromptDecodePayload = z.output<typeof PromptDecodePayloadSchema>;
