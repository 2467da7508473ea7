/** The real Kaizen server, in-process on an ephemeral loopback port, with a temp SQLite dir and a fresh key. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerConfig } from '@kaizen/server';

export interface RealServer {
  url: string;
  key: string;
  server: RunningServer;
  close(): Promise<void>;
}

export async function startRealServer(overrides: Partial<ServerConfig> = {}): Promise<RealServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kaizen-sdk-server-'));
  // An empty environment: the test decides every setting.
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', ...overrides }, {});
  const { key } = await server.backends.keys.create('sdk-tests');
  return {
    url: server.url,
    key,
    server,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
