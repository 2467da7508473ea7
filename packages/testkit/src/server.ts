/**
 * A real Kaizen server in this process, on 127.0.0.1:0 over real HTTP, with a SQLite file in a
 * temp dir and one API key. The caller passes `startServer`: the server's own tests pass the one
 * from its src/, packages above pass `@kaizen/server`'s, so this kit depends on no package.
 */
import { Writable } from 'node:stream';
import { removeDir, tempDir } from './temp.js';

/** What the kit needs of a started server (`RunningServer` of @kaizen/server). */
export interface ServerLike {
  url: string;
  close(): Promise<void>;
  backends: { keys: { create(tenant: string): Promise<{ key: string }> } };
}

/** The config fields the kit sets (`ServerConfig` of @kaizen/server has them all; `startServer` takes a partial one). */
interface BaseConfig {
  port: number;
  host?: string;
  dataDir?: string;
  logLevel?: string;
  logDestination?: NodeJS.WritableStream;
}

export type Answer = { status: number; body: any; headers: Headers };

/** Status, headers and the body parsed as JSON (or its text when it is not JSON, e.g. /metrics). */
export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body, headers: response.headers };
}

export type LogCapture = ReturnType<typeof logCapture>;

/** Captures pino output lines. */
export function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}

export interface TestServer<S extends ServerLike = ServerLike> {
  server: S;
  url: string;
  key: string;
  /** Everything the server logged (level `info` unless the config says otherwise). */
  logs: LogCapture;
  /** A JSON request with the key (`key: null` for none); GET without a body, POST with one. */
  call(path: string, body?: unknown, init?: { key?: string | null; headers?: Record<string, string>; method?: string; raw?: string }): Promise<Answer>;
  /** Closes the server and removes the data dir the kit made for it (one passed in stays). */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Tenant of the one key created (default "acme"). */
  tenant?: string;
}

/** Starts a server with a fresh data dir (or `config.dataDir`) and one key. */
export async function startTestServer<C extends BaseConfig, S extends ServerLike>(
  startServer: (overrides: Partial<C>, env: Record<string, string | undefined>) => Promise<S>,
  config: Partial<C> = {},
  options: TestServerOptions = {},
): Promise<TestServer<S>> {
  const logs = logCapture();
  const ownDir = config.dataDir === undefined ? tempDir('server') : undefined;
  const settings = { port: 0, host: '127.0.0.1', logLevel: 'info', logDestination: logs.stream, ...config, dataDir: config.dataDir ?? ownDir };
  // An empty environment: the test decides every setting. (Also removed by removeTempDirs.)
  const server = await startServer(settings as Partial<C>, {});
  const { key } = await server.backends.keys.create(options.tenant ?? 'acme');
  const call: TestServer['call'] = async (path, body, init = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
    const key_ = init.key === undefined ? key : init.key;
    if (key_ !== null) headers['x-api-key'] = key_;
    const method = init.method ?? (body === undefined && init.raw === undefined ? 'GET' : 'POST');
    return answerOf(await fetch(server.url + path, { method, headers, ...(method === 'GET' ? {} : { body: init.raw ?? JSON.stringify(body) }) }));
  };
  const close = async () => {
    await server.close();
    if (ownDir) removeDir(ownDir);
  };
  return { server, url: server.url, key, logs, call, close };
}
