/**
 * The codec calls of the commands, over either client: CLI settings become the request's
 * options, failures become CliErrors ready to print (data errors at file:line:column).
 */
import { encode } from '@kaizen/ktof';
import type { EncodeOptions, KaizenClient } from '@kaizen/sdk';
import { CliError, ExitCode } from '../exit.js';
import type { DecodeSettings, EncodeSettings } from '../options.js';
import { cliFailure } from './failure.js';

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

function wireOptions(settings: EncodeSettings): EncodeOptions | null {
  const options: EncodeOptions = {};
  if (settings.delimiter !== undefined) options.delimiter = settings.delimiter;
  if (settings.indent !== undefined) options.indent = settings.indent;
  if (settings.lengthMarker !== undefined) options.length_marker = settings.lengthMarker;
  return Object.keys(options).length ? options : null;
}

/** Runs one call; its failure comes back as a CliError naming `file`. */
async function guarded<T>(client: KaizenClient, file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw cliFailure(error, file, client);
  }
}

/** JSON value to KTOF text (compress). */
export async function encodeValue(client: KaizenClient, value: unknown, settings: EncodeSettings, file: string): Promise<string> {
  // The API refuses a null `data` (by contract: it is how a missing field reads), but a file
  // holding the JSON document `null` is valid input; its KTOF is the literal, whatever the options.
  if (value === null) return encode(null);
  return guarded(client, file, async () => (await client.compress({ data: value, options: wireOptions(settings) })).result);
}

/** KTOF text, read chunk by chunk, to its JSON value (decompress). */
export async function decodeText(client: KaizenClient, chunks: AsyncIterable<string>, settings: DecodeSettings, file: string): Promise<unknown> {
  const parts: string[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  const options = { strict: settings.strict, ...(settings.indent !== undefined ? { indent: settings.indent } : {}) };
  return guarded(client, file, async () => (await client.decompress({ data: parts.join(''), options })).result);
}

/** KTOF text with the token counts of compact JSON and KTOF for each model (optimize). */
export function optimizeValue(client: KaizenClient, value: unknown, settings: EncodeSettings, models: readonly string[], file: string): Promise<Optimized> {
  return guarded(client, file, async () => {
    const envelope = await client.optimize({ data: value, options: wireOptions(settings), token_models: [...models] });
    const tokens: Record<string, ModelTokens> = {};
    for (const model of models) {
      const t = envelope.token_stats[model];
      if (!t) throw new CliError(`${client.baseUrl} sent no token counts for ${model}`, ExitCode.REMOTE);
      tokens[model] = { json: t.original, ktof: t.compressed, estimated: t.estimated, encoding: t.encoding };
    }
    return { ktof: envelope.result, tokens };
  });
}
