/** What the commands need from Kaizen, run in-process or by a server (`--remote`). */
import type { DecodeSettings, EncodeSettings } from '../options.js';

/** Tokens of compact JSON and of KTOF for one model. */
export interface ModelTokens {
  json: number;
  ktof: number;
  estimated: boolean;
  encoding: string;
}

/** An encoding with its per-model token counts. */
export interface Optimized {
  ktof: string;
  tokens: Record<string, ModelTokens>;
}

/**
 * The codec operations. `file` names the input in error messages; failures are CliErrors
 * (data errors at file:line:column, remote errors) ready to print.
 */
export interface Engine {
  readonly kind: 'local' | 'remote';
  encode(value: unknown, settings: EncodeSettings, file: string): Promise<string>;
  /** Decodes KTOF text (read chunk by chunk where the engine can). */
  decode(chunks: AsyncIterable<string>, settings: DecodeSettings, file: string): Promise<unknown>;
  /** Encodes and counts tokens of compact JSON and KTOF for each model. */
  optimize(value: unknown, settings: EncodeSettings, models: readonly string[], file: string): Promise<Optimized>;
  close(): Promise<void>;
}
