/** Prometheus metrics, one registry per server (tests run several in a process). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Records what an envelope saved (stats.bytes_saved, stats.tokens_saved). */
  observeSavings(operation: string, envelope: unknown): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kaizen_' });
  const requests = new Counter({
    name: 'kaizen_http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'kaizen_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const bytesSaved = new Counter({
    name: 'kaizen_bytes_saved_total',
    help: 'UTF-8 bytes saved by KTOF (compact JSON minus KTOF), by operation.',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  const tokensSaved = new Counter({
    name: 'kaizen_tokens_saved_total',
    help: 'Tokens saved by KTOF, by model (for requests that asked for token_models).',
    labelNames: ['operation', 'model'] as const,
    registers: [registry],
  });
  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
    },
    observeSavings(operation, envelope) {
      // Decoding saves nothing; its stats describe the input.
      if (operation === 'decompress') return;
      const stats = (envelope as { stats?: { bytes_saved?: number; tokens_saved?: Record<string, number> } }).stats;
      if (!stats) return;
      // Counters only go up: a payload KTOF made larger is not counted as negative savings.
      if (typeof stats.bytes_saved === 'number' && stats.bytes_saved > 0) bytesSaved.inc({ operation }, stats.bytes_saved);
      for (const [model, saved] of Object.entries(stats.tokens_saved ?? {})) if (saved > 0) tokensSaved.inc({ operation, model }, saved);
    },
  };
}
