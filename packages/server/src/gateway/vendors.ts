/**
 * The two vendor families the gateway speaks, as data: where they are mounted, which routes
 * exist, how their key is sent upstream, what their error bodies look like and in what order
 * a request's content reaches the model (the order prompt caches hash it in).
 */
import type { GatewayConfig } from './config.js';

export type VendorName = 'openai' | 'anthropic';

export interface GatewayRoute {
  method: 'GET' | 'POST';
  /** Path under the vendor's mount point, e.g. "/v1/chat/completions". */
  path: string;
  /** Whether JSON in the request's message text is rewritten (POSTs with chat content). */
  rewrites: boolean;
}

export interface Vendor {
  name: VendorName;
  /** Human name for messages. */
  label: string;
  /** Where the routes are mounted on the Kaizen server. */
  mount: `/${string}`;
  routes: readonly GatewayRoute[];
  /** The upstream base URL and the key the server holds, from configuration. */
  upstream(config: GatewayConfig): string;
  serverKey(config: GatewayConfig): string | undefined;
  /** Environment variable of that key (named in the 503 that says it is missing). */
  keyVariable: string;
  /** The path appended to the upstream base for a route path (the OpenAI base already ends in /v1). */
  upstreamPath(routePath: string): string;
  /** Headers that carry the vendor key upstream (injected by default, the caller's under BYOK). */
  authHeaders(key: string): Record<string, string>;
  /** The vendor's error body, so its SDK reads our message. */
  errorBody(status: number, message: string, code: string, requestId: string): unknown;
  /** Top-level content fields in the order the model reads them (system before messages). */
  contentOrder: readonly string[];
  /** The tokenizer used when the request's model is unknown to @kaizen/tokens. */
  fallbackModel: string;
}

function openaiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function anthropicErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status === 503) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export const OPENAI: Vendor = {
  name: 'openai',
  label: 'OpenAI',
  mount: '/openai',
  routes: [
    { method: 'POST', path: '/v1/chat/completions', rewrites: true },
    { method: 'POST', path: '/v1/responses', rewrites: true },
    { method: 'GET', path: '/v1/models', rewrites: false },
  ],
  upstream: (config) => config.openaiUpstream,
  serverKey: (config) => config.openaiApiKey,
  keyVariable: 'KAIZEN_OPENAI_API_KEY',
  upstreamPath: (routePath) => routePath.replace(/^\/v1/, ''),
  authHeaders: (key) => ({ authorization: `Bearer ${key}` }),
  errorBody: (status, message, code, requestId) => ({ error: { message, type: openaiErrorType(status), param: null, code, request_id: requestId } }),
  contentOrder: ['instructions', 'messages', 'input'],
  fallbackModel: 'gpt-4o',
};

export const ANTHROPIC: Vendor = {
  name: 'anthropic',
  label: 'Anthropic',
  mount: '/anthropic',
  routes: [
    { method: 'POST', path: '/v1/messages', rewrites: true },
    { method: 'POST', path: '/v1/messages/count_tokens', rewrites: true },
  ],
  upstream: (config) => config.anthropicUpstream,
  serverKey: (config) => config.anthropicApiKey,
  keyVariable: 'KAIZEN_ANTHROPIC_API_KEY',
  upstreamPath: (routePath) => routePath,
  authHeaders: (key) => ({ 'x-api-key': key }),
  errorBody: (status, message, code, requestId) => ({ type: 'error', error: { type: anthropicErrorType(status), message, code }, request_id: requestId }),
  contentOrder: ['system', 'messages'],
  fallbackModel: 'claude-sonnet-4',
};

export const VENDORS: readonly Vendor[] = [OPENAI, ANTHROPIC];

/** Every gateway path as mounted (for metrics labels and the health listing). */
export const GATEWAY_PATHS: readonly string[] = VENDORS.flatMap((vendor) => vendor.routes.map((route) => vendor.mount + route.path));

/** What `GET /` reports about the gateway: its routes, upstreams and whether each holds a key. */
export function gatewayInfo(config: GatewayConfig) {
  return {
    mode: config.gatewayByok ? 'byok' : 'key_injection',
    routes: VENDORS.flatMap((vendor) => vendor.routes.map((route) => `${route.method} ${vendor.mount}${route.path}`)),
    upstreams: Object.fromEntries(
      VENDORS.map((vendor) => [vendor.name, { url: vendor.upstream(config), key_configured: vendor.serverKey(config) !== undefined }]),
    ),
  };
}
