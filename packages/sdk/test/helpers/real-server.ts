/** The real Kaizen server, in-process on an ephemeral loopback port, with a temp SQLite dir and a fresh key (@kaizen/testkit). */
import { startServer, type RunningServer, type ServerConfig } from '@kaizen/server';
import { startTestServer, type TestServer } from '@kaizen/testkit';

export type RealServer = TestServer<RunningServer>;

/** `close()` stops the server and removes its data dir. */
export function startRealServer(overrides: Partial<ServerConfig> = {}): Promise<RealServer> {
  return startTestServer(startServer, { logLevel: 'silent', ...overrides }, { tenant: 'sdk-tests' });
}
