/** The shapes passed between the client and its transports. */
import type { Envelope, OperationName, Parsed, RouteSpec } from '@kaizen/protocol';
import type { KaizenError } from '../errors.js';
import type { KaizenRequestHook, KaizenRequestInfo, KaizenResponseHook, KaizenResponseInfo } from '../hooks.js';
import type { LevelLogger } from './log.js';

/** Per-call options of every client method. */
export interface CallOptions {
  /** Seconds this call's attempts may each take (overrides the client's `timeout`). */
  timeout?: number;
  /** Retries for this call (overrides the client's `maxRetries`). */
  maxRetries?: number;
  /** Aborts the call: no further attempt, rejects with KaizenAbortError. */
  signal?: AbortSignal;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  /** The X-Request-ID to send (default: a new UUID per call, the same on every retry). */
  requestId?: string;
}

/** One logical call, validated and serialized once, whatever the number of attempts. */
export interface PreparedCall<K extends OperationName = OperationName> {
  /** The operation: its row in OPERATIONS. */
  route: K;
  spec: RouteSpec;
  /** The JSON body as sent (POST routes). */
  bodyText?: string;
  /** The validated request, defaults applied (what the engine takes; undefined for a GET). */
  body: Parsed<K>;
  requestId: string;
  options: CallOptions;
}

/** Moves a prepared call to its operation's envelope: over HTTP (RemoteTransport), or in-process (LocalTransport). */
export interface Transport {
  readonly kind: 'remote' | 'local';
  send<K extends OperationName>(call: PreparedCall<K>): Promise<Envelope<K>>;
  close(): Promise<void>;
}

/** Logging and hooks, shared by both transports. Hook failures are logged, never thrown into the call. */
export class Instrumentation {
  constructor(
    readonly log: LevelLogger,
    private readonly onRequestHook?: KaizenRequestHook,
    private readonly onResponseHook?: KaizenResponseHook,
  ) {}

  request(info: KaizenRequestInfo): void {
    this.log.debug(`→ ${info.method} ${info.url}`, { requestId: info.requestId, attempt: info.attempt, headers: info.headers });
    if (this.onRequestHook) this.safely('onRequest', () => this.onRequestHook!(info));
  }

  response(info: KaizenResponseInfo): void {
    this.log.debug(`← ${info.status ?? describeError(info.error)} ${info.method} ${info.url} in ${info.durationMs.toFixed(1)} ms`, {
      requestId: info.requestId,
      attempt: info.attempt,
    });
    if (this.onResponseHook) this.safely('onResponse', () => this.onResponseHook!(info));
  }

  private safely(name: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log.warn(`${name} hook threw; ignoring`, { error: String(error) });
    }
  }
}

function describeError(error: KaizenError | undefined): string {
  return error ? error.name : 'no response';
}

/** Milliseconds from a monotonic clock where one exists. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
