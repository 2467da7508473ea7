/** The server's test helpers: @kaizen/testkit with this package's own startServer (from src/). */
import { startTestServer as startWith, type TestServer as KitServer } from '@kaizen/testkit';
import { startServer, type RunningServer, type ServerConfig } from '../src/index.js';

export { answerOf, logCapture, removeTempDirs, tempDir, waitFor } from '@kaizen/testkit';

export type TestServer = KitServer<RunningServer>;

/** A real server on 127.0.0.1:0 with a fresh data dir (or `dataDir`), logs captured, one key for tenant "acme". */
export function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  return startWith(startServer, config);
}

export const chatPrompt = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You summarise orders.' },
    { role: 'user', content: `Orders: ${JSON.stringify([{ id: 1, total: 9.5, status: 'late' }, { id: 2, total: 20, status: 'ok' }])}` },
  ],
};
