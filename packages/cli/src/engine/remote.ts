/** The `--remote` engine: the same operations run by a Kaizen server through @kaizen/sdk. */
import { KaizenAPIError, KaizenClient, KaizenError, KaizenRequestError, type EncodeOptions, type KaizenLogger } from '@kaizen/sdk';
import { CliError, dataError, ExitCode, usageError } from '../exit.js';
import type { EncodeSettings } from '../options.js';
import type { Engine, ModelTokens } from './types.js';

/** Where and how to reach the server. `url` undefined: KAIZEN_BASE_URL. `apiKey` undefined: KAIZEN_API_KEY. */
export interface RemoteTarget {
  url: string | undefined;
  apiKey: string | undefined;
}

/** SDK log lines go to stderr (stdout carries the data). */
const stderrLogger: KaizenLogger = {
  error: (...args: unknown[]) => console.error(...args),
  warn: (...args: unknown[]) => console.error(...args),
  info: (...args: unknown[]) => console.error(...args),
  debug: (...args: unknown[]) => console.error(...args),
};

function wireOptions(settings: EncodeSettings): EncodeOptions | undefined {
  const options: EncodeOptions = {};
  if (settings.delimiter !== undefined) options.delimiter = settings.delimiter;
  if (settings.indent !== undefined) options.indent = settings.indent;
  if (settings.lengthMarker !== undefined) options.length_marker = settings.lengthMarker;
  return Object.keys(options).length ? options : undefined;
}

function field(payload: unknown, name: string): unknown {
  return payload && typeof payload === 'object' ? (payload as Record<string, unknown>)[name] : undefined;
}

/** The message and location of a malformed-KTOF answer, else undefined. */
export function malformedKtof(error: KaizenAPIError): { message: string; line: number; column: number } | undefined {
  if (error.code !== 'malformed_ktof') return undefined;
  const reason = field(error.payload, 'reason');
  return {
    message: typeof reason === 'string' ? reason : typeof error.detail === 'string' ? error.detail : error.message,
    line: Number(field(error.payload, 'line')) || 1,
    column: Number(field(error.payload, 'column')) || 1,
  };
}

/** Maps an SDK failure to what the CLI prints and exits with. */
export function remoteFailure(error: unknown, file: string, server: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof KaizenAPIError) {
    const detail = typeof error.detail === 'string' ? error.detail : Array.isArray(error.detail) ? error.detail.map((d) => d.msg).join('; ') : error.message;
    const malformed = malformedKtof(error);
    if (malformed) return dataError(malformed.message, file, malformed.line, malformed.column);
    if (error.statusCode === 400) return dataError(detail, file);
    if (error.code === 'unknown_token_model') return usageError(detail);
    const hint = error.statusCode === 401 ? ' (pass --api-key or set KAIZEN_API_KEY)' : '';
    return new CliError(`${server} answered ${error.statusCode}${error.code ? ` ${error.code}` : ''}: ${detail}${hint}`, ExitCode.REMOTE);
  }
  if (error instanceof KaizenRequestError) return new CliError(`cannot reach ${server}: ${error.message}`, ExitCode.REMOTE);
  if (error instanceof KaizenError) return new CliError(error.message, ExitCode.REMOTE);
  return new CliError(`${server}: ${(error as Error).message}`, ExitCode.REMOTE);
}

/** A KaizenClient for the target (SDK logs on stderr); bad settings are usage errors. */
export function remoteClient(target: RemoteTarget): KaizenClient {
  try {
    const overrides: ConstructorParameters<typeof KaizenClient>[0] = { logger: stderrLogger };
    if (target.url !== undefined) overrides.baseUrl = target.url;
    if (target.apiKey !== undefined) overrides.apiKey = target.apiKey;
    return KaizenClient.fromEnv(overrides);
  } catch (error) {
    throw usageError(`--remote: ${(error as Error).message}`);
  }
}

/** An engine that sends every operation to a Kaizen server. */
export function remoteEngine(target: RemoteTarget): Engine {
  const client = remoteClient(target);
  const server = client.baseUrl;
  const call = async <T>(file: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw remoteFailure(error, file, server);
    }
  };
  return {
    kind: 'remote',
    encode(value, settings, file) {
      return call(file, async () => (await client.compress({ data: value, options: wireOptions(settings) ?? null })).result);
    },
    async decode(chunks, settings, file) {
      const parts: string[] = [];
      for await (const chunk of chunks) parts.push(chunk);
      const options = { strict: settings.strict, ...(settings.indent !== undefined ? { indent: settings.indent } : {}) };
      return call(file, async () => (await client.decompress({ data: parts.join(''), options })).result);
    },
    optimize(value, settings, models, file) {
      return call(file, async () => {
        const envelope = await client.optimize({ data: value, options: wireOptions(settings) ?? null, token_models: [...models] });
        const tokens: Record<string, ModelTokens> = {};
        for (const model of models) {
          const t = envelope.token_stats[model];
          if (!t) throw new CliError(`${server} sent no token counts for ${model}`, ExitCode.REMOTE);
          tokens[model] = { json: t.original, ktof: t.compressed, estimated: t.estimated, encoding: t.encoding };
        }
        return { ktof: envelope.result, tokens };
      });
    },
    close: () => client.close(),
  };
}
