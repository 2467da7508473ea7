/**
 * A Lua script run by its SHA1 (EVALSHA), falling back to EVAL when the server does not know it
 * (NOSCRIPT: after a restart, a failover or SCRIPT FLUSH); EVAL also caches it for next time.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from './connection.js';

export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source, 'utf8').digest('hex');
  }

  /** Runs the script with its keys (all in one hash slot, for Redis Cluster) and arguments. */
  async run(client: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
