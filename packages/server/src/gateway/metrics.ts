/** Prometheus counters of the gateway, per tenant and route, on the server's registry. */
import { Counter, type Registry } from 'prom-client';

export interface GatewayCall {
  tenant: string;
  /** The mounted route path, e.g. "/openai/v1/chat/completions". */
  route: string;
  status: number;
  tokensOriginal?: number;
  tokensSent?: number;
}

export interface GatewayMetrics {
  observe(call: GatewayCall): void;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const requests = new Counter({
    name: 'kaizen_gateway_requests_total',
    help: 'Gateway calls by tenant, route and status (the upstream status, or the gateway error).',
    labelNames: ['tenant', 'route', 'status'] as const,
    registers: [registry],
  });
  const original = new Counter({
    name: 'kaizen_gateway_input_tokens_original_total',
    help: 'Input tokens of message text as the callers sent it, by tenant and route.',
    labelNames: ['tenant', 'route'] as const,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'kaizen_gateway_input_tokens_sent_total',
    help: 'Input tokens of message text as sent upstream, by tenant and route.',
    labelNames: ['tenant', 'route'] as const,
    registers: [registry],
  });
  const saved = new Counter({
    name: 'kaizen_gateway_input_tokens_saved_total',
    help: 'Input tokens saved (original minus sent), by tenant and route.',
    labelNames: ['tenant', 'route'] as const,
    registers: [registry],
  });
  return {
    observe({ tenant, route, status, tokensOriginal, tokensSent }) {
      requests.inc({ tenant, route, status: String(status) });
      if (tokensOriginal === undefined || tokensSent === undefined) return;
      original.inc({ tenant, route }, tokensOriginal);
      sent.inc({ tenant, route }, tokensSent);
      if (tokensOriginal > tokensSent) saved.inc({ tenant, route }, tokensOriginal - tokensSent);
    },
  };
}
