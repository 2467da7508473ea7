/** What the CLI prints and exits with when a KaizenClient call fails, in-process or remote. */
import { KaizenAPIError, KaizenClient, KaizenError, KaizenRequestError } from '@kaizen/sdk';
import { CliError, dataError, ExitCode, usageError } from '../exit.js';

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

/**
 * Maps a client failure to a CliError. `server` names where the call ran in messages; undefined
 * for the in-process client, whose refusals (any 4xx) are about the input, so data errors.
 */
export function remoteFailure(error: unknown, file: string, server: string | undefined): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof KaizenAPIError) {
    const detail = typeof error.detail === 'string' ? error.detail : Array.isArray(error.detail) ? error.detail.map((d) => d.msg).join('; ') : error.message;
    const malformed = malformedKtof(error);
    if (malformed) return dataError(malformed.message, file, malformed.line, malformed.column);
    if (error.code === 'unknown_token_model') return usageError(detail);
    // In-process there is no store: an id-shaped text can only be decoded where it was issued.
    if (server === undefined && error.code === 'payload_not_found') {
      return dataError(`${detail} Payload ids are kept by the server that issued them: decode with --remote <its URL> (and --api-key). A KTOF text of that string is written quoted ("kz_…").`, file);
    }
    if (error.statusCode === 400 || (server === undefined && error.statusCode < 500)) return dataError(detail, file);
    // In-process, a 5xx is a fault of ours, reported as run.ts reports any unexpected failure.
    if (server === undefined) return new CliError(`unexpected failure: ${detail}`, ExitCode.DATA);
    const hint = error.statusCode === 401 ? ' (pass --api-key or set KAIZEN_API_KEY)' : '';
    return new CliError(`${server} answered ${error.statusCode}${error.code ? ` ${error.code}` : ''}: ${detail}${hint}`, ExitCode.REMOTE);
  }
  if (error instanceof KaizenRequestError) return new CliError(`cannot reach ${server}: ${error.message}`, ExitCode.REMOTE);
  if (error instanceof KaizenError) return new CliError(error.message, ExitCode.REMOTE);
  return new CliError(`${server ?? 'kaizen'}: ${(error as Error).message}`, ExitCode.REMOTE);
}

/** remoteFailure for a call made through `client`. */
export function cliFailure(error: unknown, file: string, client: KaizenClient): CliError {
  return remoteFailure(error, file, client.mode === 'remote' ? client.baseUrl : undefined);
}
