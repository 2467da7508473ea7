/** Size and token statistics of an encoding: UTF-8 bytes of compact JSON vs KTOF. */
import { KaizenProblem, ErrorCode, type Stats, type TokenStats } from '@kaizen/protocol';
import { resolveModel, tokenCounter, UnknownModelError, type Counter } from '@kaizen/tokens';

/** UTF-8 byte length without allocating (TextEncoder would copy the whole string). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The text a value is measured as: strings as themselves, anything else as compact JSON. */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

export interface ModelCounter {
  model: string;
  count: Counter;
  estimated: boolean;
  encoding: string;
}

/**
 * Resolves and loads the counters of the requested models. Unknown names fail together as
 * one 422 whose items point at each bad entry of `token_models`.
 */
export async function loadCounters(models: readonly string[] | null | undefined): Promise<ModelCounter[]> {
  if (!models || models.length === 0) return [];
  const unique = [...new Set(models)];
  const problems = [];
  for (const [index, model] of models.entries()) {
    try {
      resolveModel(model);
    } catch (error) {
      if (!(error instanceof UnknownModelError)) throw error;
      problems.push({ loc: ['body', 'token_models', index], msg: error.message, type: 'value_error' });
    }
  }
  if (problems.length) throw new KaizenProblem(ErrorCode.UNKNOWN_TOKEN_MODEL, problems);
  return Promise.all(
    unique.map(async (model) => {
      const { estimated, encoding } = resolveModel(model);
      return { model, count: await tokenCounter(model), estimated, encoding };
    }),
  );
}

export interface Measurement {
  stats: Stats;
  token_stats: TokenStats;
}

/** Stats of `original` (JSON text) vs `compressed` (KTOF text), with tokens per counter. */
export function measure(original: string, compressed: string, counters: readonly ModelCounter[]): Measurement {
  const originalBytes = utf8Length(original);
  const compressedBytes = utf8Length(compressed);
  const stats: Stats = {
    original_bytes: originalBytes,
    compressed_bytes: compressedBytes,
    reduction_ratio: originalBytes === 0 ? 1 : round(compressedBytes / originalBytes),
    bytes_saved: originalBytes - compressedBytes,
  };
  const token_stats: TokenStats = {};
  if (counters.length) {
    const saved: Record<string, number> = {};
    for (const { model, count, estimated, encoding } of counters) {
      const before = count(original);
      const after = count(compressed);
      token_stats[model] = { original: before, compressed: after, estimated, encoding };
      saved[model] = before - after;
    }
    stats.tokens_saved = saved;
  }
  return { stats, token_stats };
}

function round(ratio: number): number {
  return Math.round(ratio * 10_000) / 10_000;
}
