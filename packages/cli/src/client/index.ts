/**
 * The KaizenClient a command runs on: in-process (`KaizenClient.local()`, the default), or a
 * Kaizen server with --remote. Both run @kaizen/core's operations, so a file gives the same
 * answer either way; the CLI only maps its flags to requests and failures to exit codes.
 */
import type { Command } from 'commander';
import { KaizenClient, type KaizenLogger } from '@kaizen/sdk';
import { usageError } from '../exit.js';

export { decodeText, encodeValue, optimizeValue, type ModelTokens, type Optimized } from './calls.js';

/** Raw values of --remote and --api-key. */
export interface RemoteFlags {
  remote?: boolean | string;
  apiKey?: string;
}

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

/** Adds --remote [url] and --api-key <key>. */
export function addRemoteFlags(command: Command): Command {
  return command
    .option('--remote [url]', 'run on a Kaizen server instead of in-process (default URL: KAIZEN_BASE_URL, else http://127.0.0.1:8787)')
    .option('--api-key <key>', 'API key for --remote (default: KAIZEN_API_KEY)');
}

/** The server the flags point at, or undefined to run in-process; usage errors for bad flags. */
export function remoteTarget(flags: RemoteFlags): RemoteTarget | undefined {
  if (flags.remote === undefined || flags.remote === false) {
    if (flags.apiKey !== undefined) throw usageError('--api-key is used with --remote; add --remote [url]');
    return undefined;
  }
  if (typeof flags.remote === 'string' && !/^https?:\/\//i.test(flags.remote)) {
    throw usageError(`--remote takes an http(s) URL, not "${flags.remote}" (if that is a file, write --remote=URL or put the files first)`);
  }
  return { url: typeof flags.remote === 'string' ? flags.remote : undefined, apiKey: flags.apiKey };
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

/** The client the flags ask for: a server with --remote, else in-process. */
export function clientFor(flags: RemoteFlags): KaizenClient {
  const target = remoteTarget(flags);
  return target === undefined ? KaizenClient.local({ logger: stderrLogger }) : remoteClient(target);
}
