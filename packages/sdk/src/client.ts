/**
 * KaizenClient: one class, two transports. `new KaizenClient(config)` talks HTTP with retries;
 * `KaizenClient.local()` runs the same engine in-process. Both validate requests with the
 * shared schemas first, return the same typed envelopes and throw the same error classes.
 */
import {
  isKaizenProblem,
  OPERATIONS,
  parseRequest,
  type CompressResponse,
  type DecodeRequest,
  type DecompressResponse,
  type EncodeRequest,
  type Envelope,
  type HealthResponse,
  type OperationName,
  type OptimizeRequest,
  type OptimizeRequestPayload,
  type OptimizeRequestResponse,
  type OptimizeResponse,
  type OptimizeResponsePayload,
  type OptimizeResponseResponse,
  type PromptDecodePayload,
  type PromptEncodePayload,
  type PromptsDecodeResponse,
  type PromptsEncodeResponse,
  type RequestOf,
} from '@kaizen/protocol';
import {
  assertValidConfig,
  configFromEnv,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_AFTER,
  DEFAULT_TIMEOUT,
  type Env,
  type KaizenClientConfig,
} from './config.js';
import { parseJson, stringifyJson } from '@kaizen/ktof';
import { KaizenError, KaizenValidationError } from './errors.js';
import { type BatchResult, mapSettled } from './internal/batch.js';
import { ResponseCache } from './internal/cache.js';
import { type CallOptions, Instrumentation, type PreparedCall, type Transport } from './internal/call.js';
import { LocalTransport } from './internal/local.js';
import { LevelLogger } from './internal/log.js';
import { errorFromProblem } from './internal/problem.js';
import { RemoteTransport } from './internal/remote.js';
import { isPlainJson } from './internal/plain-json.js';
import { newRequestId } from './internal/request-id.js';
import { DEFAULT_BACKOFF } from './internal/retry.js';
import { decodeStream, type DecodeStreamOptions, type KtofChunks, type KtofStream } from './stream.js';
import { SDK_VERSION } from './version.js';

// `await using` needs Symbol.asyncDispose; older runtimes get the well-known fallback that
// TypeScript's and Babel's downlevel helpers also look up. Must run before the class below.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('Symbol.asyncDispose');

export type { CallOptions } from './internal/call.js';
export type { BatchResult } from './internal/batch.js';

/** Options of `KaizenClient.local()`. */
export interface LocalClientOptions extends Pick<KaizenClientConfig, 'logger' | 'logLevel' | 'onRequest' | 'onResponse' | 'cache'> {
  /** Tenant the in-memory payload store files payloads under (default "local"). */
  tenant?: string;
  /** Retention window of prompts.encode payloads, seconds (default one day). */
  payloadTtlSeconds?: number;
}

/** Options of the batch methods: per-call options for every item plus the parallelism. */
export interface BatchOptions extends CallOptions {
  /** Most requests in flight at once (default 4). */
  concurrency?: number;
}

/** Cache counters (all zero when the cache is off). */
export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
}

const LOCAL = Symbol('kaizen.local');
type InternalConfig = KaizenClientConfig & { [LOCAL]?: LocalClientOptions };

/** Encode calls whose answer depends only on the body: safe to cache. */
const CACHEABLE = new Set<OperationName>(['compress', 'optimize', 'optimizeRequest']);

/** The Kaizen API client. Dispose it (`await using`, or `await client.close()`) to release sockets. */
export class KaizenClient implements AsyncDisposable {
  /** The API root requests go to (`local:` for the in-process client). */
  readonly baseUrl: string;
  /** `remote` (HTTP) or `local` (in-process engine). */
  readonly mode: 'remote' | 'local';
  readonly #transport: Transport;
  readonly #cache: ResponseCache | undefined;
  #closed = false;

  constructor(config: KaizenClientConfig = {}) {
    assertValidConfig(config);
    const log = new LevelLogger(config.logger ?? console, config.logLevel ?? 'warn');
    const instrumentation = new Instrumentation(log, config.onRequest, config.onResponse);
    const local = (config as InternalConfig)[LOCAL];
    if (local) {
      this.mode = 'local';
      this.baseUrl = 'local:';
      this.#transport = new LocalTransport({ ...local, version: SDK_VERSION }, instrumentation);
    } else {
      this.mode = 'remote';
      this.baseUrl = config.baseUrl ?? DEFAULT_BASE_URL;
      this.#transport = new RemoteTransport(
        {
          baseUrl: this.baseUrl,
          apiKey: config.apiKey,
          timeout: config.timeout ?? DEFAULT_TIMEOUT,
          maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
          backoff: { baseDelay: config.retry?.baseDelay ?? DEFAULT_BACKOFF.baseDelay, maxDelay: config.retry?.maxDelay ?? DEFAULT_BACKOFF.maxDelay },
          maxRetryAfter: config.retry?.maxRetryAfter ?? DEFAULT_MAX_RETRY_AFTER,
          defaultHeaders: config.defaultHeaders ?? {},
          fetch: config.fetch,
          network: {
            verifySsl: config.verifySsl,
            ca: config.ca,
            proxy: config.proxy,
            maxConnections: config.maxConnections,
            connectTimeout: config.connectTimeout,
          },
          userAgent: `kaizen-sdk-ts/${SDK_VERSION}`,
        },
        instrumentation,
      );
    }
    this.#cache = config.cache ? new ResponseCache(config.cache === true ? {} : config.cache) : undefined;
  }

  /**
   * A client configured from `KAIZEN_BASE_URL` (default http://127.0.0.1:8787/),
   * `KAIZEN_API_KEY`, `KAIZEN_TIMEOUT` (seconds, default 30), `KAIZEN_CONNECT_TIMEOUT`,
   * `KAIZEN_MAX_RETRIES`, `KAIZEN_LOG` and `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`; `overrides` win.
   */
  static fromEnv(overrides: KaizenClientConfig = {}, env?: Env): KaizenClient {
    return new KaizenClient({ ...configFromEnv(env), ...overrides });
  }

  /** The same API with no server: codec, token counting and an in-memory payload store in-process. */
  static local(options: LocalClientOptions = {}): KaizenClient {
    const { logger, logLevel, onRequest, onResponse, cache, ...local } = options;
    const config: InternalConfig = { [LOCAL]: local };
    if (logger) config.logger = logger;
    if (logLevel) config.logLevel = logLevel;
    if (onRequest) config.onRequest = onRequest;
    if (onResponse) config.onResponse = onResponse;
    if (cache) config.cache = cache;
    return new KaizenClient(config);
  }

  /** Any JSON value to KTOF, with size stats (`POST /v1/compress`). */
  compress(request: EncodeRequest, options?: CallOptions): Promise<CompressResponse> {
    return this.#call('compress', request, options);
  }

  /** KTOF text back to JSON (`POST /v1/decompress`). */
  decompress(request: DecodeRequest, options?: CallOptions): Promise<DecompressResponse> {
    return this.#call('decompress', request, options);
  }

  /** Compress with per-model token stats (`POST /v1/optimize`). */
  optimize(request: OptimizeRequest, options?: CallOptions): Promise<OptimizeResponse> {
    return this.#call('optimize', request, options);
  }

  /** Compress an outbound provider request: messages, tools, input (`POST /v1/optimize/request`). */
  optimizeRequest(request: OptimizeRequestPayload, options?: CallOptions): Promise<OptimizeRequestResponse> {
    return this.#call('optimizeRequest', request, options);
  }

  /** Decode a provider reply that may be written in KTOF (`POST /v1/optimize/response`). */
  optimizeResponse(request: OptimizeResponsePayload, options?: CallOptions): Promise<OptimizeResponseResponse> {
    return this.#call('optimizeResponse', request, options);
  }

  /** Encode a prompt and store it under a payload id (`POST /v1/prompts/encode`). */
  promptsEncode(request: PromptEncodePayload, options?: CallOptions): Promise<PromptsEncodeResponse> {
    return this.#call('promptsEncode', request, options);
  }

  /** Decode inline KTOF or a stored payload id, merging metadata (`POST /v1/prompts/decode`). */
  promptsDecode(request: PromptDecodePayload, options?: CallOptions): Promise<PromptsDecodeResponse> {
    return this.#call('promptsDecode', request, options);
  }

  /** Service health: uptime and versions (`GET /`). */
  health(options?: CallOptions): Promise<HealthResponse> {
    return this.#call('health', undefined, options);
  }

  /**
   * `promptsEncode` over many prompts, at most `concurrency` (default 4) in flight. Results
   * come back in input order and settled per item: a failing item is a `rejected` entry with
   * its error, the others still succeed. Each item gets its own X-Request-ID (`requestId`
   * given: `${requestId}-${index}`).
   */
  promptsEncodeBatch(items: Iterable<PromptEncodePayload>, options: BatchOptions = {}): Promise<BatchResult<PromptsEncodeResponse>[]> {
    return this.#batch(items, options, (item, callOptions) => this.promptsEncode(item, callOptions));
  }

  /** `promptsDecode` over many payloads; same contract as `promptsEncodeBatch`. */
  promptsDecodeBatch(items: Iterable<PromptDecodePayload>, options: BatchOptions = {}): Promise<BatchResult<PromptsDecodeResponse>[]> {
    return this.#batch(items, options, (item, callOptions) => this.promptsDecode(item, callOptions));
  }

  /**
   * Decodes KTOF arriving in chunks (a streamed model reply, a file read in pieces) locally:
   * no server round trip. Iterate it for parse events; `await stream.value` for the result.
   */
  decodeStream(chunks: KtofChunks, options?: DecodeStreamOptions): KtofStream {
    return decodeStream(chunks, options);
  }

  /** Response cache counters. */
  get cacheStats(): CacheStats {
    const cache = this.#cache;
    return { hits: cache?.hits ?? 0, misses: cache?.misses ?? 0, entries: cache?.length ?? 0 };
  }

  /** True once `close()` ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Releases sockets (Node dispatcher) or the in-memory store (local). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cache?.clear();
    await this.#transport.close();
  }

  /** `await using client = new KaizenClient(...)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Every operation goes through here: validated against its row of OPERATIONS, answered with its envelope. */
  async #call<K extends OperationName>(route: K, input: RequestOf<K>, options: CallOptions = {}): Promise<Envelope<K>> {
    if (this.#closed) throw new KaizenError('this KaizenClient is closed; create a new one');
    const cacheable = this.#cache !== undefined && CACHEABLE.has(route);
    // The body's text is needed to send it, or as the cache key; in-process it is not written at all.
    const call = prepare(route, input, options, this.#transport.kind === 'remote' || cacheable);
    const cacheKey = cacheable ? `${route}\n${call.bodyText}` : undefined;
    if (cacheKey !== undefined) {
      const hit = this.#cache!.get<Envelope<K>>(cacheKey);
      if (hit !== undefined) return hit;
    }
    const envelope = await this.#transport.send(call);
    if (cacheKey !== undefined) this.#cache!.set(cacheKey, envelope);
    return envelope;
  }

  async #batch<I, O>(items: Iterable<I>, options: BatchOptions, run: (item: I, options: CallOptions) => Promise<O>): Promise<BatchResult<O>[]> {
    const { concurrency = 4, requestId, ...callOptions } = options;
    return mapSettled(items, concurrency, (item, index) => run(item, requestId !== undefined ? { ...callOptions, requestId: `${requestId}-${index}` } : callOptions));
  }
}

/**
 * Serializes and validates a call once, before any attempt: bad input throws a
 * KaizenValidationError carrying exactly the detail the server would answer with. The body is
 * judged as the server would see it: as it is when it is plain JSON already (isPlainJson), else
 * after a JSON round trip. `withText`: the call needs the body's JSON text (to send it, or as a
 * cache key).
 */
function prepare<K extends OperationName>(route: K, input: unknown, options: CallOptions, withText: boolean): PreparedCall<K> {
  const spec = OPERATIONS[route];
  const requestId = options.requestId ?? headerValue(options.headers, 'x-request-id') ?? newRequestId();
  const validated = (body: unknown, bodyText?: string): PreparedCall<K> => {
    try {
      return { route, spec, requestId, options, ...(bodyText !== undefined && { bodyText }), body: parseRequest(route, body) };
    } catch (error) {
      if (isKaizenProblem(error)) throw errorFromProblem(error, requestId);
      throw error;
    }
  };
  if (spec.method === 'GET') return validated(undefined);
  // What the round trip would give back anyway: validated as it is, written only when needed.
  if (isPlainJson(input)) return validated(input, withText ? stringifyJson(input) : undefined);
  let bodyText: string | undefined;
  try {
    // Numbers a JS number cannot hold (bigint, KtofNumber) and -0 are sent with their digits.
    bodyText = stringifyJson(input) as string | undefined;
  } catch (error) {
    throw invalidBody(requestId, `Input is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'json_invalid');
  }
  if (bodyText === undefined) throw invalidBody(requestId, 'Field required', 'missing');
  return validated(parseJson(bodyText), bodyText);
}

function invalidBody(requestId: string, msg: string, type: string): KaizenValidationError {
  return new KaizenValidationError({
    statusCode: 422,
    payload: { detail: [{ loc: ['body'], msg, type }], code: 'validation_error', request_id: requestId },
    headers: {},
    requestId,
  });
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
