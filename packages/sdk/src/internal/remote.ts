/**
 * The HTTP transport: fetch + AbortController + timers only, so it runs in browsers.
 * One logical call = one X-Request-ID, however many attempts it takes.
 */
import {
  apiErrorFor,
  KaizenAbortError,
  KaizenAPIError,
  KaizenError,
  KaizenRequestError,
  KaizenTimeoutError,
} from '../errors.js';
import { parseJson as parseExactJson } from '@kaizen/ktof';
import { DEFAULT_BASE_URL } from '../config.js';
import type { KaizenRequestInfo } from '../hooks.js';
import { type Envelope, isEnvelopeOf, type OperationName } from '@kaizen/protocol';
import { type Instrumentation, now, type PreparedCall, type Transport } from './call.js';
import { redactHeaders } from './log.js';
import { createNodeFetch, isNode, needsDispatcher, type NodeFetch, type NodeNetworkOptions } from './node-dispatcher.js';
import { backoffDelayMs, type BackoffPolicy, isRetryableStatus, retryAfterMs, sleep } from './retry.js';

export interface RemoteTransportOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Seconds. */
  timeout: number;
  maxRetries: number;
  backoff: BackoffPolicy;
  /** Seconds. */
  maxRetryAfter: number;
  defaultHeaders: Record<string, string>;
  fetch?: typeof fetch | undefined;
  network: NodeNetworkOptions;
  userAgent: string;
}

/** The outcome of one attempt. */
type Attempt<K extends OperationName> =
  | { ok: true; status: number; value: Envelope<K> }
  | { ok: false; error: KaizenError; retryable: boolean; status?: number; waitMs?: number };

export class RemoteTransport implements Transport {
  readonly kind = 'remote';
  private readonly root: string;
  private nodeFetch: Promise<NodeFetch> | undefined;

  constructor(
    private readonly options: RemoteTransportOptions,
    private readonly instrumentation: Instrumentation,
  ) {
    this.root = options.baseUrl.replace(/\/+$/, '');
  }

  /** The absolute URL of a route path, keeping any path prefix of the base URL. */
  urlFor(path: string): string {
    return this.root + path;
  }

  async send<K extends OperationName>(call: PreparedCall<K>): Promise<Envelope<K>> {
    const { options } = this;
    const url = this.urlFor(call.spec.path);
    const headers = this.headersFor(call);
    const maxRetries = call.options.maxRetries ?? options.maxRetries;
    const timeoutMs = (call.options.timeout ?? options.timeout) * 1000;
    const doFetch = await this.fetchFn();
    const { signal } = call.options;
    const info: Omit<KaizenRequestInfo, 'attempt'> = {
      operation: call.spec.operation,
      method: call.spec.method,
      url,
      requestId: call.requestId,
      headers: redactHeaders(headers),
    };

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortError(signal, call.requestId);
      this.instrumentation.request({ ...info, attempt });
      const started = now();
      const outcome = await this.attempt(doFetch, url, call, headers, timeoutMs);
      const retriesLeft = attempt <= maxRetries;
      const durationMs = now() - started;
      if (outcome.ok) {
        this.instrumentation.response({ ...info, attempt, status: outcome.status, durationMs, willRetry: false });
        return outcome.value;
      }
      const waitMs = outcome.retryable && retriesLeft ? this.delayFor(attempt - 1, outcome.waitMs) : undefined;
      this.instrumentation.response({ ...info, attempt, status: outcome.status, durationMs, error: outcome.error, willRetry: waitMs !== undefined });
      if (waitMs === undefined) throw outcome.error;
      this.instrumentation.log.info(
        `${call.spec.method} ${call.spec.path} failed (${outcome.status ?? outcome.error.name}); retry ${attempt} of ${maxRetries} in ${(waitMs / 1000).toFixed(2)} s`,
        { requestId: call.requestId },
      );
      try {
        await sleep(waitMs, signal);
      } catch {
        throw abortError(signal!, call.requestId);
      }
    }
  }

  async close(): Promise<void> {
    const pending = this.nodeFetch;
    this.nodeFetch = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close();
  }

  /**
   * The server's Retry-After when it gave one (undefined = do not retry if it exceeds the
   * cap: retrying sooner than asked would only be refused again), else jittered backoff.
   */
  private delayFor(retry: number, hintMs: number | undefined): number | undefined {
    if (hintMs !== undefined) return hintMs <= this.options.maxRetryAfter * 1000 ? hintMs : undefined;
    return backoffDelayMs(retry, this.options.backoff);
  }

  private headersFor(call: PreparedCall): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.userAgent && isNode()) headers['user-agent'] = this.options.userAgent;
    if (call.bodyText !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) {
      headers['x-api-key'] = this.options.apiKey;
      headers.authorization = `Bearer ${this.options.apiKey}`;
    }
    for (const [name, value] of Object.entries(this.options.defaultHeaders)) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries(call.options.headers ?? {})) headers[name.toLowerCase()] = value;
    headers['x-request-id'] = call.requestId;
    return headers;
  }

  private fetchFn(): Promise<typeof fetch> | typeof fetch {
    const { network, fetch: injected } = this.options;
    if (isNode() && needsDispatcher(network)) {
      this.nodeFetch ??= createNodeFetch(network, injected);
      return this.nodeFetch.then((nf) => nf.fetch);
    }
    const f = injected ?? globalThis.fetch;
    if (typeof f !== 'function') throw new KaizenError('no fetch available: pass `fetch` in the client config');
    // Unbound window.fetch throws "Illegal invocation" in browsers.
    return injected ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** One attempt, with its own timeout; never throws (the outcome says what happened). */
  private async attempt<K extends OperationName>(doFetch: typeof fetch, url: string, call: PreparedCall<K>, headers: Record<string, string>, timeoutMs: number): Promise<Attempt<K>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const userSignal = call.options.signal;
    const onAbort = () => controller.abort(userSignal?.reason);
    userSignal?.addEventListener('abort', onAbort, { once: true });
    let status: number | undefined;
    try {
      const response = await doFetch(url, {
        method: call.spec.method,
        headers,
        ...(call.bodyText !== undefined ? { body: call.bodyText } : {}),
        signal: controller.signal,
      });
      status = response.status;
      const text = await response.text();
      const responseHeaders = headersToRecord(response.headers);
      const parsed = parseJson(text);
      if (response.ok) {
        // The trust boundary: a 2xx answer becomes this operation's envelope only when it says so.
        const value = parsed.ok ? parsed.value : undefined;
        if (isEnvelopeOf(call.route, value)) return { ok: true, status, value };
        const what = parsed.ok
          ? `the response is not the ${call.spec.operation} envelope (${describeEnvelope(parsed.value)})`
          : `the response body is not JSON (${text.length ? JSON.stringify(text.slice(0, 80)) : 'empty'})`;
        const error = new KaizenAPIError({
          statusCode: status,
          payload: parsed.ok ? parsed.value : text,
          headers: responseHeaders,
          requestId: call.requestId,
          message: `${status}: ${what}; is baseUrl pointing at a Kaizen server?`,
        });
        return { ok: false, error, retryable: false, status };
      }
      const hintMs = retryAfterMs(response.headers);
      const error = apiErrorFor({
        statusCode: status,
        payload: parsed.ok ? parsed.value : text,
        headers: responseHeaders,
        requestId: call.requestId,
        retryAfter: hintMs !== undefined ? hintMs / 1000 : undefined,
      });
      return { ok: false, error, retryable: isRetryableStatus(status), status, ...(hintMs !== undefined ? { waitMs: hintMs } : {}) };
    } catch (cause) {
      if (userSignal?.aborted) return { ok: false, error: abortError(userSignal, call.requestId), retryable: false };
      const where = status === undefined ? 'sending the request' : `reading the ${status} response`;
      if (timedOut || isConnectTimeout(cause)) {
        const seconds = timedOut ? timeoutMs / 1000 : undefined;
        const message = seconds !== undefined ? `timed out after ${seconds} s ${where}` : `connect timeout ${where}`;
        return { ok: false, error: new KaizenTimeoutError(`${call.spec.method} ${url}: ${message}`, { cause }, call.requestId), retryable: true };
      }
      const reason = describeCause(cause);
      // Say where the URL came from: a first run against the default finds no server there.
      const hint = status === undefined ? ` (is a Kaizen server running at ${this.root}? The base URL is set by the baseUrl option or the KAIZEN_BASE_URL variable; default ${DEFAULT_BASE_URL})` : '';
      return { ok: false, error: new KaizenRequestError(`${call.spec.method} ${url}: connection failed ${where}: ${reason}${hint}`, { cause }, call.requestId), retryable: true };
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', onAbort);
    }
  }
}

function abortError(signal: AbortSignal, requestId: string): KaizenAbortError {
  const error = new KaizenAbortError('the request was aborted', { cause: signal.reason });
  (error as { requestId?: string }).requestId = requestId;
  return error;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text) return { ok: false };
  try {
    // Numbers beyond what a JS number holds arrive as KtofNumbers, digits intact.
    return { ok: true, value: parseExactJson(text) };
  } catch {
    return { ok: false };
  }
}

/** What a 2xx JSON answer that is not the expected envelope holds instead, for the error message. */
function describeEnvelope(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`;
  const { operation, status } = value as { operation?: unknown; status?: unknown };
  return `operation ${JSON.stringify(operation) ?? 'missing'}, status ${JSON.stringify(status) ?? 'missing'}`;
}

function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/** undici reports connect timeouts as a cause chain ending in UND_ERR_CONNECT_TIMEOUT. */
function isConnectTimeout(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'UND_ERR_CONNECT_TIMEOUT') return true;
  }
  return false;
}

/** The innermost useful message of a fetch failure ("fetch failed" hides the real reason in `cause`). */
function describeCause(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e = (error as { cause?: unknown })?.cause, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const inner = e instanceof Error ? e.message : String(e);
    message = typeof code === 'string' && !inner.includes(code) ? `${code} ${inner}` : inner;
  }
  return message;
}
