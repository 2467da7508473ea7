/**
 * Helpers for tests that talk to real processes: temp dirs, free ports, redis-server, an
 * in-process server over real HTTP, the built `kaizen` CLI as a child process, and hostile values.
 * Run as TypeScript by vitest; it imports no Kaizen package, so any package's tests may use it.
 */
export { removeDir, removeTempDirs, tempDir } from './temp.js';
export { exited, freePort, waitFor } from './wait.js';
export { RedisProcess, type RedisOptions } from './redis.js';
export { answerOf, logCapture, startTestServer, type Answer, type LogCapture, type ServerLike, type TestServer, type TestServerOptions } from './server.js';
export { REPO_ROOT, KAIZEN_BIN, createKey, kaizen, KaizenProcess, revokeKey, run, serve, type RunResult, type ServeOptions, type ServeProcess } from './cli.js';
export { postJson, rawExchange, statusesIn } from './http.js';
export { nestedTables, type NestedTablesKind } from './values.js';
