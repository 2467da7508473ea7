/**
 * Calls to the vendor: one undici agent per server (kept-alive connections to each upstream),
 * its deadlines from --gateway-timeout, and transport failures as the statuses a caller can act
 * on: 502 when the upstream cannot be reached, 504 when it does not answer in time.
 */
import { Agent, errors, type Dispatcher } from 'undici';
import type { GatewayConfig } from './config.js';
import { GatewayProblem } from './errors.js';
import type { Vendor } from './vendors.js';

export interface UpstreamCall {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string | string[]>;
  body?: string | Uint8Array;
  signal: AbortSignal;
}

/** Thrown when the caller went away before the upstream answered (nothing is sent back). */
export class CallerGone extends Error {
  override readonly name = 'CallerGone';
}

export interface Upstream {
  send(vendor: Vendor, call: UpstreamCall): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT']);

export function createUpstream(config: GatewayConfig): Upstream {
  const agent = new Agent({
    headersTimeout: config.gatewayTimeoutMs,
    bodyTimeout: config.gatewayTimeoutMs,
    keepAliveTimeout: 30_000,
    connect: { timeout: Math.min(config.gatewayTimeoutMs, 10_000) },
  });
  return {
    async send(vendor, call) {
      try {
        return await agent.request({
          origin: call.url.origin,
          path: call.url.pathname + call.url.search,
          method: call.method,
          headers: call.headers,
          body: call.body ?? null,
          signal: call.signal,
        });
      } catch (error) {
        if (call.signal.aborted) throw new CallerGone('the caller disconnected');
        const code = (error as { code?: string }).code ?? '';
        const where = `${vendor.label} upstream ${call.url.origin}`;
        if (TIMEOUT_CODES.has(code) || error instanceof errors.HeadersTimeoutError) {
          throw new GatewayProblem(504, 'upstream_timeout', `The ${where} did not answer within ${config.gatewayTimeoutMs} ms (KAIZEN_GATEWAY_TIMEOUT_MS).`);
        }
        throw new GatewayProblem(502, 'upstream_unreachable', `The ${where} could not be reached (${code || (error as Error).message}).`);
      }
    },
    close: () => agent.close(),
  };
}
