/**
 * The HTTP application: request ids, logging and metrics around everything; auth and rate
 * limiting in front of the /v1 operations; the operations themselves are @kaizen/core's.
 */
import { Hono } from 'hono';
import { stringifyJson } from '@kaizen/ktof';
import type { Logger } from 'pino';
import type { Engine, OperationContext, OperationHandlers } from '@kaizen/core';
import { BODY_OPERATION_NAMES, ErrorCode, generateOpenApi, KaizenProblem, OPERATIONS, parseRequest, type BodyOperationName } from '@kaizen/protocol';
import type { Backends } from './backends/types.js';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import { authChain, type AuthSurface } from './http/auth-chain.js';
import { readJsonBody } from './http/body.js';
import type { AppEnv } from './http/env.js';
import { errorResponse, problemResponse } from './http/problems.js';
import { RateLimited } from './http/rate-limit.js';
import { requestIdFrom } from './http/request-id.js';
import { corsMiddleware } from './http/cors.js';
import { playgroundRoutes } from './playground/index.js';
import { loggableHeaders } from './logger.js';
import { presetHeaders } from './http/preset-headers.js';
import { GATEWAY_PATHS, gatewayInfo } from './gateway/vendors.js';
import { mountGateway } from './gateway/routes.js';
import { gatewayAuthSurface } from './gateway/keys.js';
import type { Upstream } from './gateway/upstream.js';
import type { GatewayComputations } from './gateway/routes.js';
import { discardBody } from './http/linger.js';
import { jsonOnly } from './http/json-only.js';
import { AuthFailureLimiter } from './http/auth-failures.js';
import { mcpRoutes } from './mcp/http.js';

export interface AppDependencies {
  config: ServerConfig;
  engine: Engine;
  backends: Backends;
  logger: Logger;
  /** One line per request (see createAccessLogger); default: `logger`. */
  accessLogger?: Logger;
  metrics: Metrics;
  /** The gateway's upstream client (the server passes its own so it can close it). */
  gatewayUpstream?: Upstream;
  /** Where the gateway rewrites bodies (the server passes its compute worker's routing); default: inline. */
  compute?: GatewayComputations;
}

const KNOWN_PATHS = new Set<string>([...Object.values(OPERATIONS).map((r) => r.path), '/metrics', '/openapi.json', '/mcp', ...GATEWAY_PATHS]);

/** The metrics label of a path: known routes by name, everything else folded together. */
function routeLabel(path: string): string {
  if (KNOWN_PATHS.has(path)) return path;
  return path.startsWith('/playground') ? '/playground' : 'unmatched';
}

export function createApp({ config, engine, backends, logger, accessLogger = logger, metrics, gatewayUpstream, compute }: AppDependencies): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const clock = config.now ?? Date.now;
  const logFault = (c: { get(key: 'requestId'): string }) => (error: unknown) =>
    logger.error({ request_id: c.get('requestId'), err: error }, 'request failed');

  // Outermost: request id on every response, one log line and metrics per request.
  app.use(async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    presetHeaders(c, { 'x-request-id': requestId });
    await next();
    const seconds = (performance.now() - started) / 1000;
    const path = c.req.path;
    metrics.observeRequest(routeLabel(path), c.req.method, c.res.status, seconds);
    if (accessLogger.isLevelEnabled('info')) {
      const line: Record<string, unknown> = {
        request_id: requestId,
        method: c.req.method,
        path,
        status: c.res.status,
        duration_ms: Math.round(seconds * 100_000) / 100,
        tenant: c.get('tenant'),
        key_id: c.get('keyId'),
        ...c.get('logFields'),
      };
      if (accessLogger.isLevelEnabled('debug')) line['req'] = { headers: loggableHeaders(c.req.raw.headers) };
      // A client that gave up (499) or sent its body too slowly (408) is not a server fault, but a
      // slow upload may be an attack: it gets its own level.
      if (c.res.status === 408) accessLogger.warn(line, 'request');
      else accessLogger.info(line, 'request');
    }
  });

  if (config.corsOrigins.length > 0) app.use(corsMiddleware(config.corsOrigins));

  app.onError(async (error, c) => {
    if (error instanceof RateLimited) return problemResponse(c, error, error.headers);
    const incoming = c.env?.incoming;
    if (error instanceof KaizenProblem && error.code === ErrorCode.PAYLOAD_TOO_LARGE && incoming && !incoming.readableEnded) {
      // The rest of the body was never read: let the client finish sending (bounded) so it can
      // read this answer, and do not reuse the connection.
      await discardBody(incoming);
      return problemResponse(c, error, { connection: 'close' });
    }
    return errorResponse(c, error, logFault(c));
  });
  app.notFound((c) => problemResponse(c, new KaizenProblem(ErrorCode.NOT_FOUND, `No route ${c.req.method} ${c.req.path}. See /openapi.json.`)));

  const health = {
    backend: backends.kind,
    auth: { anonymous_loopback: config.anonymousLoopback, schemes: ['x-api-key', 'bearer'] },
    limits: { rate_limit_per_minute: config.rateLimitPerMinute, max_body_bytes: config.maxBodyBytes, payload_ttl_seconds: config.payloadTtlSeconds },
    gateway: gatewayInfo(config),
  };
  app.get('/', (c) => c.json({ ...engine.health(), ...health }));

  let openapi: string | undefined;
  app.get('/openapi.json', (c) => {
    openapi ??= JSON.stringify(generateOpenApi({ version: config.version }));
    return c.body(openapi, 200, { 'content-type': 'application/json' });
  });

  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));

  app.route('/playground', playgroundRoutes());

  const failures = new AuthFailureLimiter(config.authFailuresPerMinute);

  /** Credentials, key and rate limit for one surface; wrong keys count per address across all of them. */
  const authFor = (surface: AuthSurface = {}) => authChain(backends, { anonymousLoopback: config.anonymousLoopback, failures, now: clock, ...surface });

  // The gateway: OpenAI- and Anthropic-compatible routes (src/gateway/).
  mountGateway(app, { config, logger, metrics, auth: authFor(gatewayAuthSurface(config)), ...(gatewayUpstream && { upstream: gatewayUpstream }), ...(compute && { compute }) });

  for (const name of BODY_OPERATION_NAMES) app.use(OPERATIONS[name].path, jsonOnly());
  app.use('/v1/*', ...authFor());

  // MCP clients reach the codec tools over Streamable HTTP (src/mcp/), behind the same auth and limits.
  app.use('/mcp', jsonOnly(), ...authFor());
  app.route('/mcp', mcpRoutes({ engine, version: config.version, maxBodyBytes: config.maxBodyBytes, clock, logger }));

  // Every POST operation of the table, mounted the same way; `mountOperation` is generic so
  // each route's parsed request and envelope types follow from its row.
  const handlers: OperationHandlers = engine;
  function mountOperation<K extends BodyOperationName>(name: K): void {
    const route = OPERATIONS[name];
    const run = handlers[name];
    app.post(route.path, async (c) => {
      const { body, bytes, exactNumbers } = await readJsonBody(c, config.maxBodyBytes);
      const request = parseRequest(name, body);
      const context: OperationContext = {
        tenant: c.get('tenant'),
        requestId: c.get('requestId'),
        now: clock(),
        requestBytes: bytes,
        exactNumbers,
        // Read only for requests sent to the worker: building the web Request it belongs to
        // would cost every small request @hono/node-server's fast path.
        get signal() {
          return c.req.raw.signal;
        },
      };
      const envelope = await run(request, context);
      metrics.observeSavings(route.operation, envelope);
      // Numbers beyond what a JS number holds (and -0) go back with the digits they came with.
      return c.body(stringifyJson(envelope), 200, { 'content-type': 'application/json' });
    });
  }
  for (const name of BODY_OPERATION_NAMES) mountOperation(name);

  return app;
}
