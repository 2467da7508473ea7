/**
 * `/mcp`: the Kaizen MCP tools over the Streamable HTTP transport, stateless (no session ids):
 * every POST gets a fresh MCP server bound to the caller's tenant, answered as plain JSON. The
 * app mounts it behind the same auth and rate limits as /v1; bodies go through the same size cap.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Engine, OperationContext } from '@kaizen/core';
import { parseRequest } from '@kaizen/protocol';
import { readJsonBody } from '../http/body.js';
import type { AppEnv } from '../http/env.js';
import { createKtofMcpServer, type KtofOperations } from './tools.js';

export interface McpRouteOptions {
  engine: Engine;
  version: string;
  maxBodyBytes: number;
  clock: () => number;
  /** Where unexpected tool failures are logged (the client only hears that the operation failed). */
  logger: Logger;
}

/** A JSON-RPC error answer not tied to a request id. */
function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), { status, headers: { ...headers, 'content-type': 'application/json' } });
}

/** The engine's codec operations for one caller. */
function operationsFor(engine: Engine, context: OperationContext): KtofOperations {
  return {
    compress: (request) => engine.compress(parseRequest('compress', request), context),
    decompress: (request) => engine.decompress(parseRequest('decompress', request), context),
    optimize: (request) => engine.optimize(parseRequest('optimize', request), context),
  };
}

export function mcpRoutes({ engine, version, maxBodyBytes, clock, logger }: McpRouteOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    const { body, bytes } = await readJsonBody(c, maxBodyBytes);
    // One message per request, as MCP has had since 2025-06-18: a batch would let many tool
    // calls through the rate limiter as one request.
    if (Array.isArray(body)) return jsonRpcError(400, -32600, 'Batches are not accepted here: send one JSON-RPC message per request.');
    const context: OperationContext = { tenant: c.get('tenant'), requestId: c.get('requestId'), now: clock(), requestBytes: bytes };
    const describeError = (error: unknown) => {
      logger.error({ request_id: context.requestId, err: error }, 'mcp tool failed');
      return undefined;
    };
    const server = createKtofMcpServer(operationsFor(engine, context), { version, describeError });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody: body });
    } finally {
      await server.close();
    }
  });
  // Stateless: there is no session to stream server-initiated messages on, or to end.
  const notAllowed = () => jsonRpcError(405, -32000, 'This MCP endpoint is stateless: send requests with POST.', { allow: 'POST' });
  app.get('/', notAllowed);
  app.delete('/', notAllowed);
  return app;
}
