/** @kaizen/server: the self-hostable Kaizen API. */
export { createServer, startServer, installShutdownHandlers, type KaizenServer, type RunningServer } from './server.js';
export { createApp, type AppDependencies } from './app.js';
export { loadConfig, validateConfig, DEFAULT_CONFIG, ENV_VARS, ConfigError, type ServerConfig } from './config.js';
export { createBackends, openKeyStore } from './backends/index.js';
export { createSqliteBackends, SqlitePayloadStore, SqliteKeyStore } from './backends/sqlite/index.js';
export { MemoryRateLimiter } from './backends/memory-rate-limiter.js';
export { API_KEY_PREFIX, ANONYMOUS_TENANT, generateApiKey, hashApiKey, reservedTenantProblem } from './backends/keys.js';
export { createLogger, REDACTED_PATHS } from './logger.js';
export { SERVER_VERSION } from './version.js';
export type * from './backends/types.js';
export { BackendUnavailableError } from './backends/types.js';
