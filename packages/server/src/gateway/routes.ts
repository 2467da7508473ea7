/**
 * Routing: each vendor's routes under its mount point (/openai, /anthropic), behind the same
 * auth and per-tenant rate limit as the Kaizen API, with errors in the vendor's shape. A call
 * reads the body, rewrites it (unless bypassed), sends it upstream with the right credential,
 * relays the answer and records one set of figures for headers, metrics and the access log.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { ErrorCode, isKaizenProblem } from '@kaizen/protocol';
import type { ServerComputations } from '../compute/computations.js';
import type { ServerConfig } from '../config.js';
import { readBodyBytes } from '../http/body.js';
import { jsonOnly } from '../http/json-only.js';
import type { AppEnv } from '../http/env.js';
import type { Metrics } from '../metrics.js';
import { GatewayProblem, vendorErrorResponse } from './errors.js';
import { upstreamHeaders, type IncomingHeaders } from './keys.js';
import { createGatewayMetrics } from './metrics.js';
import { rewriteGatewayBody, type GatewayRewrite } from './rewrite.js';
import { alreadySent, relay } from './stream.js';
import { CallerGone, createUpstream, type Upstream } from './upstream.js';
import { VENDORS, type GatewayRoute, type Vendor } from './vendors.js';

export interface GatewayDependencies {
  config: ServerConfig;
  logger: Logger;
  metrics: Metrics;
  /** Authentication and rate limit in front of every route (authChain with gatewayAuthSurface). */
  auth: MiddlewareHandler<AppEnv>[];
  /** Where calls go (default: a new agent per app; the server passes its own so close() can end it). */
  upstream?: Upstream;
  /** Where bodies are rewritten (the server passes its compute worker's routing, by size); default: inline. */
  compute?: GatewayComputations;
}

export type GatewayComputations = Pick<ServerComputations, 'rewriteGatewayBody'>;

/** The request header that sends a request upstream exactly as received. */
export const BYPASS_HEADER = 'x-kaizen-bypass';

/** nginx's "client closed request": the caller left before the answer began. */
const CALLER_GONE_STATUS = 499;

/** Mounts every vendor's routes on `app`. */
export function mountGateway(app: Hono<AppEnv>, deps: GatewayDependencies): void {
  const upstream = deps.upstream ?? createUpstream(deps.config);
  const compute: GatewayComputations = deps.compute ?? { rewriteGatewayBody };
  const gatewayMetrics = createGatewayMetrics(deps.metrics.registry);
  for (const vendor of VENDORS) {
    const vendorApp = new Hono<AppEnv>();
    const logFault = (c: Context<AppEnv>) => (error: unknown) => deps.logger.error({ request_id: c.get('requestId'), err: error }, 'gateway request failed');
    vendorApp.onError((error, c) => vendorErrorResponse(c, vendor, error, logFault(c)));
    // Vendor SDKs always declare JSON; a cross-site page's text/plain POST would spend the vendor key.
    vendorApp.use('*', jsonOnly());
    vendorApp.use('*', ...deps.auth);
    for (const route of vendor.routes) {
      vendorApp.on(route.method, route.path, (c) => call(c, vendor, route));
    }
    vendorApp.all('*', (c) => {
      const routes = vendor.routes.map((r) => `${r.method} ${vendor.mount}${r.path}`).join(', ');
      throw new GatewayProblem(404, 'not_found', `The Kaizen gateway does not serve ${c.req.method} ${c.req.path}; its ${vendor.label} routes are ${routes}.`);
    });
    app.route(vendor.mount, vendorApp);
  }

  const upstreamBases = new Map(VENDORS.flatMap((vendor) => vendor.routes.map((route) => [route, vendor.upstream(deps.config) + vendor.upstreamPath(route.path)] as const)));
  const plainUrls = new Map([...upstreamBases].map(([route, base]) => [route, new URL(base)] as const));
  /** The upstream URL of a call: the route's base, plus the caller's query string (Azure's api-version). */
  function upstreamUrl(route: GatewayRoute, requestUrl: string): URL {
    const query = requestUrl.indexOf('?');
    // Without a query string (nearly every call) the route's own URL, parsed once: only read from.
    return query < 0 ? plainUrls.get(route)! : new URL(upstreamBases.get(route)! + requestUrl.slice(query));
  }

  async function call(c: Context<AppEnv>, vendor: Vendor, route: GatewayRoute): Promise<Response> {
    const routeLabel = vendor.mount + route.path;
    const tenant = c.get('tenant');
    const figures: Record<string, unknown> = { vendor: vendor.name };
    c.set('logFields', figures);
    const observe = (status: number, rewrite?: GatewayRewrite) =>
      gatewayMetrics.observe({ tenant, route: routeLabel, status, ...(rewrite && { tokensOriginal: rewrite.tokensOriginal, tokensSent: rewrite.tokensSent }) });

    let rewrite: GatewayRewrite | undefined;
    try {
      const headers = upstreamHeaders(requestHeaders(c), vendor, deps.config);
      const aborter = callerAborter(c);
      let body: string | Uint8Array | undefined;
      if (route.method === 'POST') {
        const raw = await readBodyBytes(c, deps.config.maxBodyBytes);
        body = raw;
        if (c.req.header(BYPASS_HEADER) === '1') figures['bypass'] = true;
        else if (route.rewrites) {
          rewrite = await rewriteBody(c, raw, vendor, aborter.signal);
          body = rewrite?.body ?? raw;
        }
      }
      if (rewrite) {
        Object.assign(figures, {
          tokens_original: rewrite.tokensOriginal,
          tokens_sent: rewrite.tokensSent,
          tokens_estimated: rewrite.estimated,
          texts_rewritten: rewrite.textsRewritten,
        });
      }
      const url = upstreamUrl(route, c.req.url);
      const started = performance.now();
      const answer = await upstream.send(vendor, { url, method: route.method, headers, ...(body !== undefined && { body }), signal: aborter.signal });
      figures['upstream_status'] = answer.statusCode;
      figures['upstream_ms'] = Math.round((performance.now() - started) * 100) / 100;
      const extra: Record<string, string> = { 'x-kaizen-request-id': c.get('requestId') };
      if (rewrite) {
        extra['x-kaizen-tokens-original'] = String(rewrite.tokensOriginal);
        extra['x-kaizen-tokens-sent'] = String(rewrite.tokensSent);
        extra['x-kaizen-tokens-estimated'] = String(rewrite.estimated);
      }
      const relayed = await relay(c, answer, extra);
      aborter.done();
      if (!relayed.complete) figures['caller_left'] = true;
      observe(relayed.status, rewrite);
      return relayed.response;
    } catch (error) {
      if (error instanceof CallerGone) {
        figures['caller_left'] = true;
        observe(CALLER_GONE_STATUS, rewrite);
        return alreadySent(CALLER_GONE_STATUS);
      }
      observe(error instanceof GatewayProblem || isKaizenProblem(error) ? error.status : 500, rewrite);
      throw error;
    }
  }

  /**
   * The rewritten request, or undefined when the body is not a chat request we can read (it then
   * goes as sent). A large body is rewritten on the compute worker, off the event loop.
   */
  async function rewriteBody(c: Context<AppEnv>, raw: Uint8Array, vendor: Vendor, signal: AbortSignal): Promise<GatewayRewrite | undefined> {
    try {
      return await compute.rewriteGatewayBody({ body: raw, order: vendor.contentOrder, fallbackModel: vendor.fallbackModel }, { requestBytes: raw.length, signal });
    } catch (error) {
      if (isKaizenProblem(error) && error.code === ErrorCode.CLIENT_CLOSED_REQUEST) throw new CallerGone('the caller left while its body was rewritten');
      // A fault in rewriting must not cost the caller its call: it goes as sent, and the log says why.
      deps.logger.error({ request_id: c.get('requestId'), err: error }, 'gateway rewrite failed; request forwarded unchanged');
      return undefined;
    }
  }
}

/** The request headers; on Node straight from the parsed message (a web Headers copy costs more than the rest of a proxied call). */
function requestHeaders(c: Context<AppEnv>): IncomingHeaders {
  return c.env?.incoming?.headers ?? Object.fromEntries(c.req.raw.headers);
}

/** An abort signal that fires when the caller disconnects before the answer is complete. */
function callerAborter(c: Context<AppEnv>): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const outgoing = c.env?.outgoing;
  if (!outgoing) return { signal: c.req.raw.signal, done() {} };
  const onClose = () => {
    if (!outgoing.writableFinished) controller.abort();
  };
  outgoing.once('close', onClose);
  return { signal: controller.signal, done: () => outgoing.off('close', onClose) };
}
