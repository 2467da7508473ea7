/** Picks the engine a command runs on: in-process, or a Kaizen server with --remote. */
import type { Command } from 'commander';
import { usageError } from '../exit.js';
import { localEngine } from './local.js';
import type { Engine } from './types.js';

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

/** The engine the flags ask for (the SDK is loaded only for --remote). */
export async function engineFor(flags: RemoteFlags): Promise<Engine> {
  if (flags.remote === undefined || flags.remote === false) {
    if (flags.apiKey !== undefined) throw usageError('--api-key is used with --remote; add --remote [url]');
    return localEngine();
  }
  if (typeof flags.remote === 'string' && !/^https?:\/\//i.test(flags.remote)) {
    throw usageError(`--remote takes an http(s) URL, not "${flags.remote}" (if that is a file, write --remote=URL or put the files first)`);
  }
  const { remoteEngine } = await import('./remote.js');
  return remoteEngine({ url: typeof flags.remote === 'string' ? flags.remote : undefined, apiKey: flags.apiKey });
}
