/** Managed clients: a function gets a client that is closed when it returns, unless it was lent one. */
import { KaizenClient } from './client.js';
import type { KaizenClientConfig } from './config.js';

/**
 * Runs `fn` with a client. Given a KaizenClient, lends it (and leaves it open). Otherwise
 * creates one (`KaizenClient.fromEnv(config)`) and closes it when `fn` settles.
 */
export async function withKaizenClient<T>(fn: (client: KaizenClient) => Promise<T> | T, client?: KaizenClient | KaizenClientConfig): Promise<T> {
  if (client instanceof KaizenClient) return fn(client);
  const owned = KaizenClient.fromEnv(client);
  try {
    return await fn(owned);
  } finally {
    await owned.close();
  }
}
