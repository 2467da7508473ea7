/**
 * Key handling. By default the caller authenticates to Kaizen with its Kaizen key in the
 * header its vendor SDK already sends (`Authorization: Bearer` or `x-api-key`) and the server
 * puts the vendor key it holds in their place. Under BYOK the caller's vendor credentials go
 * upstream untouched and its Kaizen key travels in `x-kaizen-api-key`. Either way no Kaizen
 * key ever reaches the upstream.
 */
import type { MiddlewareHandler } from 'hono';
import { ErrorCode, KaizenProblem } from '@kaizen/protocol';
import { API_KEY_PREFIX } from '../backends/keys.js';
import type { AuthSurface } from '../http/auth-chain.js';
import type { AppEnv } from '../http/env.js';
import type { GatewayConfig } from './config.js';
import { GatewayProblem } from './errors.js';
import type { Vendor } from './vendors.js';

/** The header that carries the Kaizen key under BYOK. */
export const KAIZEN_KEY_HEADER = 'x-kaizen-api-key';

/** Headers that carry credentials to a vendor (the caller's under BYOK, dropped otherwise). */
const VENDOR_CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key'];

/**
 * How the gateway's routes read the Kaizen key (see authChain): by default from the header the
 * vendor SDK sends, as /v1 does; under BYOK from `x-kaizen-api-key`, refusing a Kaizen key in a
 * header that goes to the vendor.
 */
export function gatewayAuthSurface(config: Pick<GatewayConfig, 'gatewayByok'>): AuthSurface {
  if (!config.gatewayByok) return {};
  const refuseKaizenKeyUpstream: MiddlewareHandler<AppEnv> = async (c, next) => {
    for (const name of VENDOR_CREDENTIAL_HEADERS) {
      if (c.req.header(name)?.includes(API_KEY_PREFIX)) {
        throw new KaizenProblem(
          ErrorCode.INVALID_API_KEY,
          `A Kaizen key was sent in "${name}", which goes to the vendor in BYOK mode: send the Kaizen key as "${KAIZEN_KEY_HEADER}: KEY" and your vendor key as usual.`,
        );
      }
    }
    return next();
  };
  return {
    guard: refuseKaizenKeyUpstream,
    keyOf: (c) => c.req.header(KAIZEN_KEY_HEADER)?.trim() || undefined,
    missingMessage: `Missing Kaizen API key: this gateway runs in BYOK mode, so send it as "${KAIZEN_KEY_HEADER}: KEY" (your vendor key goes in the usual header).`,
  };
}

/** Request headers by lower-case name, as Node parses them (IncomingMessage.headers). */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Request headers that never go upstream: hop-by-hop, recomputed, or Kaizen's own. */
const NOT_FORWARDED = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'content-length', 'expect', 'cookie', 'x-request-id',
]);

/**
 * The headers sent upstream: the caller's, minus hop-by-hop and Kaizen headers, with the
 * vendor credential of the mode. Throws a 503 when the server is to inject a key it does not hold.
 */
export function upstreamHeaders(incoming: IncomingHeaders, vendor: Vendor, config: GatewayConfig): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || NOT_FORWARDED.has(name) || name.startsWith('x-kaizen-')) continue;
    if (!config.gatewayByok && VENDOR_CREDENTIAL_HEADERS.includes(name)) continue;
    out[name] = value;
  }
  if (!config.gatewayByok) {
    const key = vendor.serverKey(config);
    if (key === undefined) {
      throw new GatewayProblem(
        503,
        'vendor_key_missing',
        `This Kaizen gateway holds no ${vendor.label} API key: set ${vendor.keyVariable} where the server runs, or start it with --gateway-byok so callers send their own.`,
      );
    }
    Object.assign(out, vendor.authHeaders(key));
  }
  return out;
}
