/** Test helpers: real servers on 127.0.0.1:0 over real HTTP, with a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startServer, type RunningServer, type ServerConfig } from '../src/index.js';

export const tempDirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-server-test-'));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

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

/** Status, headers and the body parsed as JSON (or its text when it is not JSON, e.g. /metrics). */
export async function answerOf(response: Response): Promise<{ status: number; body: any; headers: Headers }> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body, headers: response.headers };
}

export interface TestServer {
  server: RunningServer;
  url: string;
  key: string;
  logs: ReturnType<typeof logCapture>;
  call(path: string, body?: unknown, init?: { key?: string | null; headers?: Record<string, string>; method?: string; raw?: string }): Promise<{ status: number; body: any; headers: Headers }>;
}

/** Starts a server with a fresh data dir (or `dataDir`) and one key for tenant "acme". */
export async function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  const logs = logCapture();
  const server = await startServer({ port: 0, dataDir: tempDir(), logLevel: 'info', logDestination: logs.stream, ...config }, {});
  const { key } = await server.backends.keys.create('acme');
  const call: TestServer['call'] = async (path, body, init = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
    const key_ = init.key === undefined ? key : init.key;
    if (key_ !== null) headers['x-api-key'] = key_;
    const method = init.method ?? (body === undefined && init.raw === undefined ? 'GET' : 'POST');
    return answerOf(await fetch(server.url + path, { method, headers, ...(method === 'GET' ? {} : { body: init.raw ?? JSON.stringify(body) }) }));
  };
  return { server, url: server.url, key, logs, call };
}

export const chatPrompt = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You summarise orders.' },
    { role: 'user', content: `Orders: ${JSON.stringify([{ id: 1, total: 9.5, status: 'late' }, { id: 2, total: 20, status: 'ok' }])}` },
  ],
};
