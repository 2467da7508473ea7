/**
 * The in-process transport of `KaizenClient.local()`: the same engine the server runs, with
 * an in-memory payload store. @kaizen/core is imported lazily so browser bundles of the
 * remote client do not carry the engine and tokenizers.
 */
import type { Engine, MemoryPayloadStore, OperationContext } from '@kaizen/core';
import type { Envelope, OperationName, Parsed } from '@kaizen/protocol';
import { KaizenAbortError } from '../errors.js';
import { type Instrumentation, now, type PreparedCall, type Transport } from './call.js';
import { errorFromProblem, internalError, isKaizenProblem } from './problem.js';

export interface LocalTransportOptions {
  /** Tenant the in-memory store files payloads under (default "local"). */
  tenant?: string;
  /** Retention window of prompts.encode payloads, seconds (default one day). */
  payloadTtlSeconds?: number;
  /** Reported by health (default: the SDK version). */
  version: string;
}

/** Every operation of the table in-process: the engine's handlers, and health with the local fields. */
type LocalHandlers = { [K in OperationName]: (request: Parsed<K>, context: OperationContext) => Promise<Envelope<K>> };

export class LocalTransport implements Transport {
  readonly kind = 'local';
  private engine: Promise<{ handlers: LocalHandlers; store: MemoryPayloadStore }> | undefined;

  constructor(
    private readonly options: LocalTransportOptions,
    private readonly instrumentation: Instrumentation,
  ) {}

  async send<K extends OperationName>(call: PreparedCall<K>): Promise<Envelope<K>> {
    const abort = () => Object.assign(new KaizenAbortError('the request was aborted', { cause: call.options.signal?.reason }), { requestId: call.requestId });
    if (call.options.signal?.aborted) throw abort();
    const { handlers } = await this.load();
    const run = handlers[call.route];
    const info = {
      operation: call.spec.operation,
      method: call.spec.method,
      url: `local:${call.spec.path}`,
      requestId: call.requestId,
      attempt: 1,
      headers: {},
    };
    this.instrumentation.request(info);
    const started = now();
    try {
      const value = await run(call.body, { tenant: this.options.tenant ?? 'local', requestId: call.requestId });
      if (call.options.signal?.aborted) throw abort();
      this.instrumentation.response({ ...info, status: 200, durationMs: now() - started, willRetry: false });
      return value;
    } catch (cause) {
      if (cause instanceof KaizenAbortError) throw cause;
      const error = isKaizenProblem(cause) ? errorFromProblem(cause, call.requestId) : internalError(call.requestId);
      if (!isKaizenProblem(cause)) this.instrumentation.log.error('local engine failed', { requestId: call.requestId, error: String(cause) });
      this.instrumentation.response({ ...info, status: error.statusCode, durationMs: now() - started, error, willRetry: false });
      throw error;
    }
  }

  /**
   * The server's health fields, with what holds in-process: payloads in memory, no key needed
   * (every call runs as the local tenant, like the server's anonymous loopback), no rate or body
   * limit (null), no gateway (null: it needs a server).
   */
  private health(engine: Engine): Envelope<'health'> {
    return {
      ...engine.health(),
      backend: 'memory',
      auth: { anonymous_loopback: true, schemes: [] },
      limits: { rate_limit_per_minute: null, max_body_bytes: null, payload_ttl_seconds: this.options.payloadTtlSeconds ?? 86_400 },
      gateway: null,
    };
  }

  async close(): Promise<void> {
    const pending = this.engine;
    this.engine = undefined;
    if (pending) await (await pending).store.close();
  }

  private load(): Promise<{ handlers: LocalHandlers; store: MemoryPayloadStore }> {
    this.engine ??= (async () => {
      // A computed specifier keeps bundlers from following it into browser builds.
      const specifier = '@kaizen/core';
      const core = (await import(/* @vite-ignore */ specifier)) as typeof import('@kaizen/core');
      const store = new core.MemoryPayloadStore();
      const engine = core.createEngine({
        store,
        version: this.options.version,
        ...(this.options.payloadTtlSeconds !== undefined ? { payloadTtlSeconds: this.options.payloadTtlSeconds } : {}),
      });
      const handlers: LocalHandlers = { ...engine, health: async () => this.health(engine) };
      return { handlers, store };
    })();
    return this.engine;
  }
}
