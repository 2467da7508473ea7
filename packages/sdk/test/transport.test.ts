/** The HTTP transport against a fault-injecting loopback server: retries, timing, headers, errors. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  KaizenAbortError,
  KaizenAPIError,
  KaizenAuthenticationError,
  KaizenBadRequestError,
  KaizenClient,
  KaizenConflictError,
  KaizenError,
  KaizenGoneError,
  KaizenNotFoundError,
  KaizenPayloadTooLargeError,
  KaizenPermissionError,
  KaizenRateLimitError,
  KaizenRequestError,
  KaizenServerError,
  KaizenTimeoutError,
  KaizenValidationError,
  type KaizenClientConfig,
  type KaizenRequestInfo,
  type KaizenResponseInfo,
} from '../src/index.js';
import { type FaultServer, memoryLogger, startFaultServer } from './helpers/fault-server.js';

/** The fields of a success answer; the fault server adds the `operation` of the path asked. */
const OK_FIELDS = { result: 'a: 1', stats: { original_bytes: 7, compressed_bytes: 4, reduction_ratio: 0.57, bytes_saved: 3 }, meta: { format: 'ktof', version: '1' } };
const OK = { operation: 'compress', status: 'ok', ...OK_FIELDS };
const KEY = 'kz_test_secret_key_123';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());
beforeEach(() => server.script({ status: 200, envelope: OK_FIELDS }));

/** A client with fast backoff, so retry tests take milliseconds. */
function client(config: KaizenClientConfig = {}) {
  return new KaizenClient({ baseUrl: server.url, apiKey: KEY, retry: { baseDelay: 0.01, maxDelay: 0.02 }, logLevel: 'off', ...config });
}

async function failure(promise: Promise<unknown>): Promise<KaizenError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KaizenError);
    return error as KaizenError;
  }
  throw new Error('expected the call to fail');
}

describe('requests', () => {
  it('sends the key as x-api-key and Bearer, JSON body, and returns the envelope', async () => {
    await using kz = client({ defaultHeaders: { 'X-Team': 'search' } });
    const envelope = await kz.compress({ data: { a: 1 } }, { headers: { 'x-extra': 'yes' } });
    expect(envelope).toEqual(OK);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', url: '/v1/compress' });
    expect(req!.headers['x-api-key']).toBe(KEY);
    expect(req!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-team']).toBe('search');
    expect(req!.headers['x-extra']).toBe('yes');
    expect(req!.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(req!.body)).toEqual({ data: { a: 1 } });
  });

  it('keeps a path prefix of baseUrl and uses GET / for health', async () => {
    server.script({ status: 200, body: { operation: 'health', status: 'ok', uptime: 1, version: 'x', ktof_version: '1' } });
    await using kz = client({ baseUrl: `${server.url}kaizen/` });
    await kz.health();
    await kz.health();
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /kaizen/', 'GET /kaizen/']);
    expect(server.requests[0]!.headers['content-type']).toBeUndefined();
  });

  it('uses the per-call requestId, else a fresh one per call', async () => {
    await using kz = client();
    await kz.compress({ data: 1 }, { requestId: 'trace-42' });
    await kz.compress({ data: 1 });
    await kz.compress({ data: 1 });
    const ids = server.requests.map((r) => r.headers['x-request-id']);
    expect(ids[0]).toBe('trace-42');
    expect(ids[1]).not.toBe(ids[2]);
  });

  it('validates locally: bad input never reaches the server', async () => {
    await using kz = client();
    const error = await failure(kz.compress({ data: 1, options: { indent: 0, colour: 'red' } } as never));
    expect(error).toBeInstanceOf(KaizenValidationError);
    const v = error as KaizenValidationError;
    expect(v.statusCode).toBe(422);
    expect(v.code).toBe('validation_error');
    expect(v.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ loc: ['body', 'options', 'indent'], type: 'greater_than_equal' }),
        expect.objectContaining({ loc: ['body', 'options', 'colour'], type: 'extra_forbidden' }),
      ]),
    );
    await expect(kz.decompress({} as never)).rejects.toMatchObject({ errors: [{ loc: ['body', 'data'], msg: 'Field required', type: 'missing' }] });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(kz.compress({ data: circular })).rejects.toMatchObject({ name: 'KaizenValidationError', errors: [{ loc: ['body'], type: 'json_invalid' }] });
    expect(server.requests).toHaveLength(0);
  });

  it('accepts typed models (objects with toJSON) as plain objects', async () => {
    class Payload {
      constructor(readonly ktof: string) {}
      toJSON() {
        return { ktof: this.ktof, options: { strict: false } };
      }
    }
    await using kz = client();
    await kz.promptsDecode(new Payload('a: 1') as never);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ ktof: 'a: 1', options: { strict: false } });
  });
});

describe('retries', () => {
  it('honours Retry-After seconds on 429, reusing the X-Request-ID', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' }, body: { detail: 'slow down', code: 'rate_limited', request_id: 'r' } }, { status: 200, body: OK });
    await using kz = client();
    const started = performance.now();
    await kz.compress({ data: 1 });
    expect(server.requests).toHaveLength(2);
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    // The asked 1 s, not a cap of 60 s: room for a loaded machine in between.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(server.requests[0]!.headers['x-request-id']).toBe(server.requests[1]!.headers['x-request-id']);
  });

  it('honours retry-after-ms and HTTP-date Retry-After', async () => {
    server.script({ status: 503, headers: { 'retry-after-ms': '300' }, body: { detail: 'busy', code: 'backend_unavailable', request_id: 'r' } }, { status: 200, body: OK });
    await using kz = client();
    await kz.compress({ data: 1 });
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(280);

    // HTTP dates have one-second resolution: ask for ~2 s from now, expect at least ~1 s.
    server.script({ status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }, { status: 200, body: OK });
    await kz.compress({ data: 1 });
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(900);
    expect(gap).toBeLessThan(10_000); // the date's ~2 s, not the 60 s cap (room for a loaded machine)
  });

  it('gives up at once when Retry-After exceeds the cap, exposing retryAfter', async () => {
    server.script({ status: 429, headers: { 'retry-after': '120' }, body: { detail: 'Rate limit exceeded', code: 'rate_limited', request_id: 'srv-1' } });
    await using kz = client();
    const error = (await failure(kz.compress({ data: 1 }))) as KaizenRateLimitError;
    expect(error).toBeInstanceOf(KaizenRateLimitError);
    expect(error.retryAfter).toBe(120);
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.requestId).toBe('srv-1');
    expect(error.headers['retry-after']).toBe('120');
    expect(server.requests).toHaveLength(1);
  });

  it('retries 503 then succeeds; 5xx exhausts maxRetries with KaizenServerError', async () => {
    server.script({ status: 503, body: { detail: 'down', code: 'backend_unavailable', request_id: 'x' } }, { status: 200, body: OK });
    await using kz = client();
    expect(await kz.compress({ data: 1 })).toEqual(OK);
    expect(server.requests).toHaveLength(2);

    server.script({ status: 500, body: { detail: 'Internal server error', code: 'internal_error', request_id: 'x' } });
    const error = await failure(kz.compress({ data: 1 }));
    expect(error).toBeInstanceOf(KaizenServerError);
    expect((error as KaizenServerError).statusCode).toBe(500);
    expect(server.requests).toHaveLength(3); // 1 + default 2 retries
    expect(new Set(server.requests.map((r) => r.headers['x-request-id'])).size).toBe(1);

    server.script({ status: 502, body: {} });
    await failure(kz.compress({ data: 1 }, { maxRetries: 0 }));
    expect(server.requests).toHaveLength(1);
    await failure(kz.compress({ data: 1 }, { maxRetries: 4 }));
    expect(server.requests).toHaveLength(1 + 5);
  });

  it('retries 408 and 409 but not other 4xx', async () => {
    await using kz = client();
    server.script({ status: 408, body: {} }, { status: 409, body: { detail: 'conflict', code: 'conflict', request_id: 'r' } }, { status: 200, body: OK });
    expect(await kz.compress({ data: 1 })).toEqual(OK);
    expect(server.requests).toHaveLength(3);
    server.script({ status: 409, body: {} });
    expect(await failure(kz.compress({ data: 1 }, { maxRetries: 1 }))).toBeInstanceOf(KaizenConflictError);
    for (const status of [400, 401, 403, 404, 410, 413, 422]) {
      server.script({ status, body: { detail: `status ${status}`, code: 'x', request_id: 'r' } });
      await failure(kz.compress({ data: 1 }));
      expect(server.requests).toHaveLength(1);
    }
  });

  it('times out slow responses per attempt and retries them', async () => {
    // Answers far slower than any load makes the two cut attempts: a bound between them holds on a busy machine.
    server.script({ status: 200, body: OK, delayMs: 20_000 });
    await using kz = client({ timeout: 0.2 });
    const started = performance.now();
    const error = await failure(kz.compress({ data: 1 }, { maxRetries: 1 }));
    const took = performance.now() - started;
    expect(error).toBeInstanceOf(KaizenTimeoutError);
    expect(error).toBeInstanceOf(KaizenRequestError);
    expect(error.message).toMatch(/timed out after 0.2 s/);
    expect((error as KaizenTimeoutError).requestId).toBe(server.requests[0]!.headers['x-request-id']);
    expect(server.requests).toHaveLength(2);
    expect(took).toBeGreaterThanOrEqual(380);
    // Two attempts the timeout did not cut would take 2 x 20 s; a loaded machine adds to 400 ms.
    expect(took).toBeLessThan(10_000);

    server.script({ status: 200, body: OK, delayMs: 20_000 }, { status: 200, body: OK });
    expect(await kz.compress({ data: 1 }, { timeout: 0.2 })).toEqual(OK); // the retry is fast
  });

  it('retries dropped connections (before and during the body)', async () => {
    await using kz = client();
    server.script({ drop: true }, { drop: true, afterHeaders: true }, { status: 200, body: OK });
    expect(await kz.compress({ data: 1 })).toEqual(OK);
    expect(server.requests).toHaveLength(3);

    server.script({ drop: true });
    const error = await failure(kz.compress({ data: 1 }));
    expect(error.constructor).toBe(KaizenRequestError);
    expect((error as KaizenRequestError).cause).toBeDefined();
    expect(error.message).toMatch(/connection failed/);
    expect(server.requests).toHaveLength(3);
  });

  it('reports connection refused as KaizenRequestError', async () => {
    const gone = await startFaultServer();
    const url = gone.url;
    await gone.close();
    await using kz = new KaizenClient({ baseUrl: url, maxRetries: 1, retry: { baseDelay: 0.01 }, logLevel: 'off' });
    const error = await failure(kz.health());
    expect(error).toBeInstanceOf(KaizenRequestError);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('error mapping', () => {
  const cases: [number, new (...args: never[]) => KaizenAPIError, string][] = [
    [400, KaizenBadRequestError, 'malformed_ktof'],
    [401, KaizenAuthenticationError, 'invalid_api_key'],
    [403, KaizenPermissionError, 'key_revoked'],
    [404, KaizenNotFoundError, 'payload_not_found'],
    [410, KaizenGoneError, 'payload_expired'],
    [413, KaizenPayloadTooLargeError, 'payload_too_large'],
    [422, KaizenValidationError, 'validation_error'],
    [418, KaizenAPIError, 'teapot'],
  ];
  it.each(cases)('%i -> %o', async (status, ErrorClass, code) => {
    const detail = status === 422 ? [{ loc: ['body', 'data'], msg: 'Field required', type: 'missing' }] : `problem ${status}`;
    server.script({ status, headers: { 'x-request-id': 'server-rid' }, body: { detail, code, request_id: 'server-rid' } });
    await using kz = client();
    const error = (await failure(kz.compress({ data: 1 }))) as KaizenAPIError;
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(KaizenAPIError);
    expect(error.statusCode).toBe(status);
    expect(error.code).toBe(code);
    expect(error.detail).toEqual(detail);
    expect(error.payload).toEqual({ detail, code, request_id: 'server-rid' });
    expect(error.requestId).toBe('server-rid');
    expect(error.headers['content-type']).toBe('application/json');
    expect(error.message).toContain(String(status));
  });

  it('keeps non-JSON error bodies as text (a proxy HTML page)', async () => {
    server.script({ status: 502, raw: '<html><body>Bad gateway</body></html>' });
    await using kz = client({ maxRetries: 0 });
    const error = (await failure(kz.compress({ data: 1 }))) as KaizenServerError;
    expect(error).toBeInstanceOf(KaizenServerError);
    expect(error.payload).toBe('<html><body>Bad gateway</body></html>');
    expect(error.detail).toBeUndefined();
    expect(error.message).toContain('Bad gateway');
  });

  it('rejects a 200 with a non-JSON body without retrying', async () => {
    server.script({ status: 200, raw: '<html>captive portal</html>' });
    await using kz = client();
    const error = (await failure(kz.compress({ data: 1 }))) as KaizenAPIError;
    expect(error.constructor).toBe(KaizenAPIError);
    expect(error.message).toMatch(/not JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a 200 whose JSON is not the envelope of the operation asked (another service, a wrong path)', async () => {
    for (const body of [{ operation: 'decompress', status: 'ok', result: {} }, { operation: 'compress', status: 'error' }, { ok: true }, [OK], 'ok']) {
      server.script({ status: 200, body });
      await using kz = client();
      const error = (await failure(kz.compress({ data: 1 }))) as KaizenAPIError;
      expect(error.constructor).toBe(KaizenAPIError);
      expect(error.message).toContain('not the compress envelope');
      expect(error.payload).toEqual(body);
      expect(server.requests).toHaveLength(1);
    }
  });
});

describe('abort', () => {
  it('stops an in-flight attempt immediately with KaizenAbortError, no retry', async () => {
    // An answer 20 s away: an abort that did not stop the attempt would wait for it, far past the bound.
    server.script({ status: 200, body: OK, delayMs: 20_000 });
    await using kz = client();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 100);
    const started = performance.now();
    const error = await failure(kz.compress({ data: 1 }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(KaizenAbortError);
    expect((error.cause as Error).message).toBe('user left');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(server.requests).toHaveLength(1);
  });

  it('stops during the backoff wait, and never sends when already aborted', async () => {
    // A 30 s backoff (under the 60 s cap): only the abort ends it within the bound.
    server.script({ status: 429, headers: { 'retry-after': '30' } });
    await using kz = client();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    expect(await failure(kz.compress({ data: 1 }, { signal: controller.signal }))).toBeInstanceOf(KaizenAbortError);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(server.requests).toHaveLength(1);

    server.script({ status: 200, body: OK });
    expect(await failure(kz.compress({ data: 1 }, { signal: AbortSignal.abort() }))).toBeInstanceOf(KaizenAbortError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('hooks and logging', () => {
  it('reports every attempt to onRequest/onResponse', async () => {
    server.script({ status: 503, body: {} }, { status: 200, body: OK });
    const requests: KaizenRequestInfo[] = [];
    const responses: KaizenResponseInfo[] = [];
    await using kz = client({ onRequest: (i) => requests.push(i), onResponse: (i) => responses.push(i) });
    await kz.compress({ data: 1 });
    expect(requests.map((r) => r.attempt)).toEqual([1, 2]);
    expect(requests[0]).toMatchObject({ operation: 'compress', method: 'POST', url: `${server.url}v1/compress` });
    expect(requests[0]!.headers['x-api-key']).toBe('***');
    expect(responses.map((r) => [r.attempt, r.status, r.willRetry])).toEqual([
      [1, 503, true],
      [2, 200, false],
    ]);
    expect(responses[0]!.error).toBeInstanceOf(KaizenServerError);
    expect(responses.every((r) => r.durationMs >= 0 && r.requestId === requests[0]!.requestId)).toBe(true);
  });

  it('a throwing hook does not break the call', async () => {
    await using kz = client({ onResponse: () => { throw new Error('metrics down'); } });
    expect(await kz.compress({ data: 1 })).toEqual(OK);
  });

  it('logs at the configured level and never prints the key', async () => {
    server.script({ status: 503, body: {} }, { status: 200, body: OK });
    const { lines, logger } = memoryLogger();
    await using kz = client({ logger, logLevel: 'debug' });
    await kz.compress({ data: 1 });
    const all = lines.map((l) => l.text).join('\n');
    expect(all).not.toContain(KEY);
    expect(all).toContain('"x-api-key":"***"');
    expect(all).toContain('"authorization":"***"');
    expect(lines.some((l) => l.level === 'info' && /retry 1 of 2/.test(l.text))).toBe(true);

    const quiet = memoryLogger();
    await using kz2 = client({ logger: quiet.logger, logLevel: 'warn' });
    server.script({ status: 503, body: {} }, { status: 200, body: OK });
    await kz2.compress({ data: 1 });
    expect(quiet.lines).toEqual([]);
  });
});

describe('cache', () => {
  it('answers identical encode calls from the cache, and only those', async () => {
    await using kz = client({ cache: { maxEntries: 2 } });
    const a = await kz.compress({ data: { a: 1 } });
    const b = await kz.compress({ data: { a: 1 } });
    expect(b).toEqual(a);
    expect(b).not.toBe(a); // a copy: mutating one answer cannot corrupt the next
    expect(server.requests).toHaveLength(1);
    await kz.compress({ data: { a: 2 } });
    await kz.optimize({ data: { a: 1 } });
    expect(server.requests).toHaveLength(3);
    expect(kz.cacheStats).toEqual({ hits: 1, misses: 3, entries: 2 });
    await kz.promptsDecode({ ktof: 'a: 1' });
    await kz.promptsDecode({ ktof: 'a: 1' });
    expect(server.requests).toHaveLength(5);
  });

  it('does not cache failures', async () => {
    server.script({ status: 400, body: { detail: 'no', code: 'invalid_payload', request_id: 'r' } }, { status: 200, body: OK });
    await using kz = client({ cache: true });
    await failure(kz.compress({ data: 1 }));
    expect(await kz.compress({ data: 1 })).toEqual(OK);
  });
});

describe('lifecycle', () => {
  it('close() is idempotent and later calls fail clearly', async () => {
    const kz = client();
    await kz.close();
    await kz.close();
    expect(kz.closed).toBe(true);
    await expect(kz.health()).rejects.toThrow(/closed/);
  });

  it('await using closes the client at the end of the scope', async () => {
    let escaped: KaizenClient;
    {
      await using kz = client();
      escaped = kz;
      expect(kz.closed).toBe(false);
    }
    expect(escaped.closed).toBe(true);
  });
});
