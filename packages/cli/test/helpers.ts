/** The CLI's test helpers: the built `kaizen` bin, temp folders and a real server, from @kaizen/testkit. */
import { startServer, type RunningServer, type ServerConfig } from '@kaizen/server';
import { startTestServer as startWith, type TestServer as KitServer } from '@kaizen/testkit';

export { KAIZEN_BIN as BIN, kaizen, removeTempDirs, run, tempDir, waitFor, type RunResult } from '@kaizen/testkit';

export type TestServer = KitServer<RunningServer>;

/** A real Kaizen server on 127.0.0.1:0 with a SQLite file in a temp folder and one API key. */
export function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  return startWith(startServer, { logLevel: 'silent', ...config }, { tenant: 'cli-tests' });
}

/** Users as a table: the shape KTOF is best at. */
export const USERS = {
  users: [
    { id: 1, name: 'Ada', role: 'admin', active: true },
    { id: 2, name: 'Lin', role: 'dev', active: false },
    { id: 3, name: 'Grace', role: 'dev', active: true },
  ],
  tags: ['a', 'b'],
};
