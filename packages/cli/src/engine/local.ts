/** The in-process engine: the codec and the tokenizers, no network. */
import { decodeStream, encode, KtofDecodeError, KtofEncodeError, stringifyJson } from '@kaizen/ktof';
import { tokenCounter } from '@kaizen/tokens';
import { resolveModel } from '@kaizen/tokens';
import { dataError } from '../exit.js';
import type { DecodeSettings, EncodeSettings } from '../options.js';
import type { Engine, ModelTokens } from './types.js';

function encodeLocal(value: unknown, settings: EncodeSettings, file: string): string {
  try {
    return encode(value, settings);
  } catch (error) {
    if (error instanceof KtofEncodeError) throw dataError(`cannot encode: ${error.message}`, file);
    throw error;
  }
}

/** Counts tokens of `texts` for each model with the local tokenizers. */
export async function countLocal(models: readonly string[], texts: Record<string, string>): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const model of models) {
    const count = await tokenCounter(model);
    out[model] = Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, count(text)]));
  }
  return out;
}

/** The in-process engine. */
export function localEngine(): Engine {
  return {
    kind: 'local',
    async encode(value, settings, file) {
      return encodeLocal(value, settings, file);
    },
    async decode(chunks, settings: DecodeSettings, file) {
      try {
        // Numbers beyond what a JS number holds come back with their digits (written by stringifyJson).
        return await decodeStream(chunks, { ...settings, numbers: 'text' });
      } catch (error) {
        if (error instanceof KtofDecodeError) throw dataError(error.reason, file, error.line, error.column);
        throw error;
      }
    },
    async optimize(value, settings, models, file) {
      const ktof = encodeLocal(value, settings, file);
      const counts = await countLocal(models, { json: stringifyJson(value), ktof });
      const tokens: Record<string, ModelTokens> = {};
      for (const model of models) {
        const { encoding, estimated } = resolveModel(model);
        tokens[model] = { json: counts[model]!['json']!, ktof: counts[model]!['ktof']!, estimated, encoding };
      }
      return { ktof, tokens };
    },
    async close() {},
  };
}
