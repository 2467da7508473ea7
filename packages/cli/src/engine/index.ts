/** Picks the engine a command runs on: in-process, or a Kaizen server with --remote. */
import type { Command } from 'commander';
import { usageError } from '../exit.js';
import { localEngine } from './local.js';
import type { Engine } from './types.js';
import type { RemoteTarget } from './remote.js';

export type { Engine, ModelTokens, Optimized } from './types.js';

/** Raw values of --remote and --api-key. */
export interface RemoteFlags {
  remote?: boolean | string;
  apiKey?: string;
}

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

/** The engine the flags ask for (the SDK is loaded only for --remote). */
export async function engineFor(flags: RemoteFlags): Promise<Engine> {
  const target = remoteTarget(flags);
  if (target === undefined) return localEngine();
  const { remoteEngine } = await import('./remote.js');
  return remoteEngine(target);
}
