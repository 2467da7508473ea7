/**
 * Wires configuration, backends, engine and app into a Node HTTP server, and shuts it down
 * gracefully: stop accepting, let in-flight requests finish, then close the backends.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createEngine, type Engine } from '@kaizen/core';
import { createApp } from './app.js';
import { createServerComputations } from './compute/computations.js';
import { createOffloadedComputations } from './compute/offload.js';
import { createBackends } from './backends/index.js';
import type { Backends } from './backends/types.js';
import { loadConfig, type ServerConfig } from './config.js';
import type { AppEnv } from './http/env.js';
import { closeLogger, createAccessLogger, createLogger, flushLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createUpstream } from './gateway/upstream.js';

export interface KaizenServer {
  config: ServerConfig;
  app: Hono<AppEnv>;
  engine: Engine;
  backends: Backends;
  logger: Logger;
  metrics: Metrics;
  http: Server;
  /** Starts listening on config.host:config.port; resolves with the URL. */
  listen(): Promise<RunningServer>;
  /** Drains in-flight requests (up to shutdownGraceMs), then closes the backends. Idempotent. */
  close(): Promise<void>;
}

export interface RunningServer extends KaizenServer {
  url: string;
  port: number;
}

/**
 * Builds a server (not yet listening). `config` is layered over the defaults and the
 * environment, like the CLI: `createServer({ port: 0, dataDir })`.
 */
export async function createServer(overrides: Partial<ServerConfig> = {}, env: Record<string, string | undefined> = process.env): Promise<KaizenServer> {
  const config = loadConfig(overrides, env);
  const logger = createLogger(config);
  const backends = await createBackends(config);
  const limits = { maxColumns: config.maxColumns, maxKeys: config.maxKeys };
  const compute = createOffloadedComputations({ local: createServerComputations(limits), aboveCost: config.workerAboveBytes, limits });
  const engine = createEngine({
    store: backends.payloads,
    limits,
    maxMetadataBytes: config.maxMetadataBytes,
    version: config.version,
    payloadTtlSeconds: config.payloadTtlSeconds,
    compute,
    ...(config.now ? { now: config.now } : {}),
  });
  const metrics = createMetrics();
  const gatewayUpstream = createUpstream(config);
  const app = createApp({ config, engine, backends, logger, accessLogger: createAccessLogger(config, logger), metrics, gatewayUpstream, compute });

  const http = createAdaptorServer({
    // Node checks those deadlines every connectionsCheckingInterval (30 s by default): check
    // often enough that a short timeout is enforced on time.
    serverOptions: { connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(config.headersTimeoutMs / 2))) },
    fetch: app.fetch,
  }) as Server;
  // In flight = from a request's arrival until its response is fully written (or aborted).
  let inFlight = 0;
  let drained: (() => void) | undefined;
  http.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
  });
  // Slow clients (slowloris) cannot hold a socket: headers and whole requests have deadlines.
  http.headersTimeout = config.headersTimeoutMs;
  http.requestTimeout = config.requestTimeoutMs;
  http.keepAliveTimeout = 5_000;

  let closing: Promise<void> | undefined;
  const server: KaizenServer = {
    config,
    app,
    engine,
    backends,
    logger,
    metrics,
    http,
    listen() {
      return new Promise<RunningServer>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          const { port } = http.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          const url = `http://${host}:${port}`;
          logger.info({ url, backend: backends.kind, anonymous_loopback: config.anonymousLoopback }, `Kaizen API listening on ${url}`);
          resolve(Object.assign(server, { url, port }));
        });
      });
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => (http.listening ? http.close(() => resolve()) : resolve()));
        if (inFlight > 0) {
          logger.info({ in_flight: inFlight }, 'draining in-flight requests');
          await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref())]);
        }
        http.closeIdleConnections();
        http.closeAllConnections();
        await stopped;
        await compute.close();
        await gatewayUpstream.close();
        await backends.close();
        logger.info('Kaizen API stopped');
        closeLogger(logger);
      })();
      return closing;
    },
  };
  return server;
}

/** Builds and starts a server: `const { url, close } = await startServer({ port: 0 })`. */
export async function startServer(overrides: Partial<ServerConfig> = {}, env: Record<string, string | undefined> = process.env): Promise<RunningServer> {
  const server = await createServer(overrides, env);
  try {
    return await server.listen();
  } catch (error) {
    await server.backends.close();
    throw error;
  }
}

/** SIGTERM/SIGINT: drain and close, then exit. A second signal exits at once. Logs are flushed on every path, crashes included. */
export function installShutdownHandlers(server: KaizenServer, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.logger.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
      flushLogger(server.logger);
      return exit(1);
    }
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => exit(0),
      (error) => {
        server.logger.error({ err: error }, 'shutdown failed');
        flushLogger(server.logger);
        exit(1);
      },
    );
  };
  // A crash is a shutdown path too: its cause must reach the log before the process goes.
  const onCrash = (error: unknown) => {
    server.logger.fatal({ err: error }, 'uncaught error; exiting');
    flushLogger(server.logger);
    exit(1);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}
