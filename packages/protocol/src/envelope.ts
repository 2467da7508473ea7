/**
 * The response envelope: every success is `{operation, status: "ok", result, ...}` with
 * optional `stats`, `token_stats`, `metadata` (echoed unchanged) and `meta`.
 */

/** The `operation` of each envelope. */
export type Operation =
  | 'health'
  | 'compress'
  | 'decompress'
  | 'optimize'
  | 'optimize.request'
  | 'optimize.response'
  | 'prompts.encode'
  | 'prompts.decode';

/** Token counts of one model: the JSON original vs the KTOF form. */
export interface TokenCount {
  original: number;
  compressed: number;
  /** True when no exact offline tokenizer exists for the model (the count is an estimate). */
  estimated: boolean;
  /** The tokenizer used, e.g. "o200k_base", "claude", "estimate". */
  encoding: string;
}

/** `token_stats`: one entry per requested model, keyed by the model name as sent. */
export type TokenStats = Record<string, TokenCount>;

/** Size statistics: UTF-8 bytes of compact JSON vs KTOF; ratio = compressed / original. */
export interface Stats {
  original_bytes: number;
  compressed_bytes: number;
  reduction_ratio: number;
  /** original_bytes - compressed_bytes. */
  bytes_saved: number;
  /** Per requested model: original tokens - compressed tokens (present when token models were asked for). */
  tokens_saved?: Record<string, number>;
}

/** A detection reported by prompt-aware encoding (where JSON was found). */
export interface DetectionMeta {
  path: string;
  kind: string;
  original_tokens?: number;
  encoded_tokens?: number;
}

export interface EnvelopeBase<Op extends Operation, R> {
  operation: Op;
  status: 'ok';
  result: R;
}

/** KTOF format information carried in `meta`. */
export interface FormatMeta {
  format: 'ktof';
  version: string;
}

export interface CompressResponse extends EnvelopeBase<'compress', string> {
  stats: Stats;
  /** The `metadata` object at the top of `data`, echoed (null when there is none). */
  metadata: Record<string, unknown> | null;
  meta: FormatMeta;
}

export interface OptimizeResponse extends EnvelopeBase<'optimize', string> {
  stats: Stats;
  token_stats: TokenStats;
  /** As in CompressResponse. */
  metadata: Record<string, unknown> | null;
  meta: FormatMeta;
}

export interface DecompressResponse extends EnvelopeBase<'decompress', unknown> {
  /** The decoded value (same as `result`): the JSON compress/optimize were given, or the prompt prompts.encode was given. */
  data: unknown;
  /** Inline: the decoded JSON's bytes vs the KTOF's. By payload id: the stored prompt's vs its `result`'s. */
  stats: Stats;
  meta: DecompressMeta;
}

export interface DecompressMeta extends FormatMeta {
  /** `inline`: `data` was KTOF text; `payload`: it was a payload id from prompts.encode, and the stored prompt came back. */
  source: 'inline' | 'payload';
  /** The payload id read (source `payload` only). */
  payload_id?: string;
}

export interface PromptMeta extends FormatMeta {
  auto_detect_json: boolean;
  detections: DetectionMeta[];
  /** Names of the caller schemas that were applied. */
  schemas_used: string[];
}

/**
 * What optimize.request and prompts.encode return for a prompt:
 * - `result`: the whole prompt as ONE KTOF string, the JSON inside its strings folded into the
 *   structure (`$json`/`$text`, see docs/ktof-spec.md). prompts.decode and optimize.response
 *   `{ktof: result}` give the exact original prompt back. `stats`/`token_stats` measure it
 *   against the prompt's compact JSON.
 * - `prompt`: the vendor-ready request of the same shape as the input, the JSON inside its
 *   message strings replaced by ```ktof fragments (any other value: one KTOF string). This is
 *   what a provider API accepts; `prompt_stats`/`prompt_token_stats` measure it (tokens over
 *   its strings, the text the model reads).
 */
export interface PromptEncoding {
  stats: Stats;
  token_stats: TokenStats;
  prompt: unknown;
  prompt_stats: Stats;
  prompt_token_stats: TokenStats;
  /** The request's `metadata`, else the prompt's top-level `metadata` object, else null. */
  metadata: Record<string, unknown> | null;
}

export interface OptimizeRequestResponse extends EnvelopeBase<'optimize.request', string>, PromptEncoding {
  meta: PromptMeta;
}

export interface OptimizeResponseResponse extends EnvelopeBase<'optimize.response', unknown> {
  data: unknown;
  meta: FormatMeta & {
    /** False when the reply held no KTOF: `result` is then the reply text, unchanged. */
    is_ktof: boolean;
    /** `payload`: the text was a payload id; `result` is the stored prompt. */
    source: 'whole' | 'fenced' | 'none' | 'payload';
  };
}

/** `result` and `prompt` as in optimize.request; the original prompt is stored under `meta.payload_id`. */
export interface PromptsEncodeResponse extends EnvelopeBase<'prompts.encode', string>, PromptEncoding {
  meta: PromptMeta & {
    payload_id: string;
    /** ISO-8601 instant after which the id answers 410. */
    expires_at: string;
  };
}

export interface PromptsDecodeResponse extends EnvelopeBase<'prompts.decode', unknown> {
  data: unknown;
  /** Stored metadata merged with the request's (stored fields win). */
  metadata: Record<string, unknown> | null;
  /** The request's `replay_meta`, echoed (recorded with the replay when decoding by id). */
  replay_meta: Record<string, unknown> | null;
  meta: FormatMeta & {
    source: 'payload' | 'inline';
    payload_id?: string;
    replay_recorded: boolean;
  };
}

export interface HealthResponse {
  operation: 'health';
  status: 'ok';
  /** Seconds since the process started. */
  uptime: number;
  version: string;
  ktof_version: string;
  [extra: string]: unknown;
}

/** Every envelope by operation name. */
export interface EnvelopeByOperation {
  health: HealthResponse;
  compress: CompressResponse;
  decompress: DecompressResponse;
  optimize: OptimizeResponse;
  'optimize.request': OptimizeRequestResponse;
  'optimize.response': OptimizeResponseResponse;
  'prompts.encode': PromptsEncodeResponse;
  'prompts.decode': PromptsDecodeResponse;
}
