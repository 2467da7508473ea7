/**
 * Node-only network options (TLS verification, extra CA, proxy, pool size, connect timeout).
 * Browsers give scripts no control over sockets, so there these options are ignored. On Node
 * they need an undici dispatcher; undici is imported lazily and only when one of them is set,
 * so neither browser bundles nor default Node clients pay for it.
 */
import type * as Undici from 'undici';
import { KaizenError } from '../errors.js';

export interface NodeNetworkOptions {
  verifySsl?: boolean | undefined;
  ca?: string | Uint8Array | Array<string | Uint8Array> | undefined;
  proxy?: string | undefined;
  maxConnections?: number | undefined;
  /** Seconds. */
  connectTimeout?: number | undefined;
}

/** True on Node (and runtimes that emulate its `process.versions.node`). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** True when any option needs a custom dispatcher. */
export function needsDispatcher(options: NodeNetworkOptions): boolean {
  return (
    options.verifySsl === false ||
    options.ca !== undefined ||
    !!options.proxy ||
    options.maxConnections !== undefined ||
    options.connectTimeout !== undefined
  );
}

export interface NodeFetch {
  fetch: typeof fetch;
  dispatcher: Undici.Dispatcher;
  close(): Promise<void>;
}

/**
 * A fetch bound to a dispatcher built from `options`. undici's own fetch is used with its own
 * dispatcher (Node's bundled fetch may be a different undici major than the npm package).
 */
export async function createNodeFetch(options: NodeNetworkOptions, injected?: typeof fetch): Promise<NodeFetch> {
  // A computed specifier keeps bundlers from pulling undici into browser builds.
  const specifier = 'undici';
  let undici: typeof Undici;
  try {
    undici = (await import(/* @vite-ignore */ specifier)) as typeof Undici;
  } catch (error) {
    throw new KaizenError('verifySsl, ca, proxy, maxConnections and connectTimeout need the "undici" package on Node: npm install undici', { cause: error });
  }
  const connect: Record<string, unknown> = {};
  if (options.verifySsl === false) connect.rejectUnauthorized = false;
  if (options.ca !== undefined) connect.ca = options.ca;
  if (options.connectTimeout !== undefined) connect.timeout = Math.round(options.connectTimeout * 1000);
  const pool = options.maxConnections !== undefined ? { connections: options.maxConnections } : {};
  const dispatcher: Undici.Dispatcher = options.proxy
    ? new undici.ProxyAgent({ uri: options.proxy, requestTls: connect, proxyTls: connect, ...pool })
    : new undici.Agent({ connect, ...pool });
  const base = (injected ?? (undici.fetch as unknown as typeof fetch));
  const bound: typeof fetch = (input, init) => base(input, { ...init, dispatcher } as RequestInit);
  return { fetch: bound, dispatcher, close: () => dispatcher.close() };
}
