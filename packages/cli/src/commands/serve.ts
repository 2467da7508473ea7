import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, installShutdownHandlers, startServer, type ServerConfig } from '@kaizen/server';
import { CLI_VERSION } from '../version.js';

interface ServeFlags {
  port?: string;
  host?: string;
  data?: string;
  rateLimit?: string;
  maxBody?: string;
  payloadTtl?: string;
  redis?: string;
  anonymousLoopback?: boolean;
  corsOrigin?: string;
  logLevel?: string;
}

/** The tenant of the key `kaizen serve` creates when the store has none. */
export const FIRST_KEY_TENANT = 'default';

/** What to do about a server that could not start, when the error says (else nothing). */
function startHint(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') {
    return 'Another process (perhaps another kaizen serve) already listens there: stop it, or pick another port with --port N (env PORT; 0 = any free port).\n';
  }
  if (error.code === 'EACCES') return 'Ports below 1024 need privileges: pick a port from 1024 up with --port N (env PORT).\n';
  return '';
}

/** Which store the server uses, so `kaizen keys --data ...` can be pointed at the same one. */
function storeDescription(config: ServerConfig): string {
  if (config.redisUrl) return 'redis';
  return `sqlite ${resolve(config.dataDir, 'kaizen.db')}`;
}

/** `kaizen serve`: starts the API. Flags win over environment variables, which win over defaults. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the Kaizen API server (SQLite in --data by default, Redis with --redis)')
    .option('--port <port>', 'port to listen on (env PORT, default 8787; 0 = any free port)')
    .option('--host <host>', 'address to bind (env KAIZEN_HOST, default 127.0.0.1)')
    .option('--data <dir>', 'data directory of the embedded SQLite store (env KAIZEN_DATA_DIR, default ./data)')
    .option('--rate-limit <n>', 'requests per minute per tenant (env KAIZEN_RATE_LIMIT, default 600)')
    .option('--max-body <bytes>', 'largest accepted request body (env KAIZEN_MAX_BODY_BYTES, default 4194304)')
    .option('--payload-ttl <seconds>', 'retention of stored payloads (env KAIZEN_PAYLOAD_TTL, default 86400)')
    .option('--redis <url>', 'use Redis at this URL instead of SQLite (env KAIZEN_REDIS_URL)')
    .option('--anonymous-loopback', 'let keyless requests from this machine in as tenant "local" (env KAIZEN_ANONYMOUS_LOOPBACK)')
    .option('--cors-origin <origins>', 'comma-separated browser origins allowed to call the API, or * (env KAIZEN_CORS_ORIGINS, default none)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env KAIZEN_LOG_LEVEL, default info)')
    .action(async (flags: ServeFlags) => {
      const overrides: Partial<ServerConfig> = {
        port: flags.port as unknown as number,
        host: flags.host,
        dataDir: flags.data,
        rateLimitPerMinute: flags.rateLimit as unknown as number,
        maxBodyBytes: flags.maxBody as unknown as number,
        payloadTtlSeconds: flags.payloadTtl as unknown as number,
        redisUrl: flags.redis,
        anonymousLoopback: flags.anonymousLoopback,
        corsOrigins: flags.corsOrigin as unknown as string[],
        logLevel: flags.logLevel,
        version: CLI_VERSION,
      };
      let server;
      try {
        server = await startServer(overrides);
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`kaizen serve: ${error.message}\n`);
          process.exit(2);
        }
        process.stderr.write(`kaizen serve: ${(error as Error).message}\n${startHint(error as NodeJS.ErrnoException)}`);
        process.exit(1);
      }
      installShutdownHandlers(server);
      if ((await server.backends.keys.count()) === 0) {
        const { key, record } = await server.backends.keys.create(FIRST_KEY_TENANT);
        process.stderr.write(
          `\nNo API key existed, so one was created for tenant "${record.tenant}" (id ${record.id}).\n` +
            `It is shown only this once; keep it:\n\n  ${key}\n\n` +
            `  curl -H "x-api-key: ${key}" -H 'content-type: application/json' -d '{"data":{"a":1}}' ${server.url}/v1/compress\n\n`,
        );
      }
      process.stderr.write(`Kaizen API ${CLI_VERSION} listening on ${server.url} (${storeDescription(server.config)})\n`);
    });
}
