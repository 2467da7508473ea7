/** Pure pieces: backoff, Retry-After parsing, the LRU cache, settled batching, env config. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { configFromEnv, KaizenClient, KaizenError } from '../src/index.js';
import { proxyFromEnv } from '../src/config.js';
import { mapSettled } from '../src/internal/batch.js';
import { ResponseCache } from '../src/internal/cache.js';
import { redactHeaders } from '../src/internal/log.js';
import { backoffDelayMs, isRetryableStatus, retryAfterMs } from '../src/internal/retry.js';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('backoff', () => {
  it('stays within [0, min(cap, base * 2^retry)] (full jitter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (retry, r) => {
        const ms = backoffDelayMs(retry, { baseDelay: 0.5, maxDelay: 8 }, () => r);
        return ms >= 0 && ms <= Math.min(8, 0.5 * 2 ** retry) * 1000;
      }),
    );
    expect(backoffDelayMs(0, { baseDelay: 0.5, maxDelay: 8 }, () => 0.999)).toBe(500);
    expect(backoffDelayMs(3, { baseDelay: 0.5, maxDelay: 8 }, () => 0.999)).toBe(3996);
    expect(backoffDelayMs(10, { baseDelay: 0.5, maxDelay: 8 }, () => 0.999)).toBe(7992);
  });

  it('retries exactly 408, 409, 429 and 5xx', () => {
    const retryable = Array.from({ length: 500 }, (_, i) => i + 100).filter(isRetryableStatus);
    expect(retryable.filter((s) => s < 500)).toEqual([408, 409, 429]);
    expect(retryable.filter((s) => s >= 500)).toHaveLength(100);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads retry-after-ms, seconds, and HTTP dates', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
  });
  it('ignores absent, negative and garbage values', () => {
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '-3' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after-ms': 'x', 'retry-after': '1' }))).toBe(1000);
  });
});

describe('ResponseCache', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new ResponseCache({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.length).toBe(2);
  });

  it('bounds total size and skips oversized entries', () => {
    const cache = new ResponseCache({ maxSize: 30 });
    cache.set('k1', 'x'.repeat(10)); // 2 + 12
    cache.set('k2', 'y'.repeat(10));
    cache.set('k3', 'z'.repeat(10)); // 42 > 30: k1 goes
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.length).toBe(2);
    cache.set('huge', 'w'.repeat(100));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.length).toBe(2);
  });

  it('expires entries after ttl and hands out copies', () => {
    const cache = new ResponseCache({ ttl: 1 });
    cache.set('a', { n: 1 }, 1000);
    const got = cache.get<{ n: number }>('a', 1500)!;
    got.n = 99;
    expect(cache.get('a', 1600)).toEqual({ n: 1 });
    expect(cache.get('a', 2001)).toBeUndefined();
  });

  it('never exceeds its bounds under random use (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.string({ maxLength: 20 })), { maxLength: 60 }), (ops) => {
        const cache = new ResponseCache({ maxEntries: 3, maxSize: 60 });
        const last = new Map<string, string>();
        for (const [k, v] of ops) {
          cache.set(k, v);
          last.set(k, v);
          if (cache.length > 3) return false;
        }
        // Whatever is still cached is the latest value written under that key.
        return [...last].every(([k, v]) => {
          const got = cache.get<string>(k);
          return got === undefined || got === v;
        });
      }),
    );
  });
});

describe('mapSettled', () => {
  it('keeps input order, bounds concurrency and settles each item', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapSettled([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n * 3));
      inFlight--;
      if (n === 4) throw new Error(`bad ${i}`);
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([50, 10, 'bad 2', 20, 30, 0, 60]);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await mapSettled([], 4, async () => 1)).toEqual([]);
  });
});

describe('configFromEnv', () => {
  it('defaults to a self-hosted server on this machine, and a failed connection says where it went and what sets it', async () => {
    expect(configFromEnv({})).toEqual({ baseUrl: 'http://127.0.0.1:8787/' });
    expect(new KaizenClient().baseUrl).toBe('http://127.0.0.1:8787/');
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const client = KaizenClient.fromEnv({ maxRetries: 0 }, { KAIZEN_BASE_URL: `http://127.0.0.1:${port}` });
    const error = await client.compress({ data: 1 }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(`POST http://127\\.0\\.0\\.1:${port}/v1/compress: connection failed .*ECONNREFUSED.*is a Kaizen server running at http://127\\.0\\.0\\.1:${port}\\? The base URL is set by the baseUrl option or the KAIZEN_BASE_URL variable`));
  });

  it('reads every variable', () => {
    expect(
      configFromEnv({
        KAIZEN_BASE_URL: 'http://127.0.0.1:8000/',
        KAIZEN_API_KEY: 'k',
        KAIZEN_TIMEOUT: '2.5',
        KAIZEN_CONNECT_TIMEOUT: '1',
        KAIZEN_MAX_RETRIES: '0',
        KAIZEN_LOG: 'DEBUG',
      }),
    ).toEqual({ baseUrl: 'http://127.0.0.1:8000/', apiKey: 'k', timeout: 2.5, connectTimeout: 1, maxRetries: 0, logLevel: 'debug' });
  });

  it('rejects bad values, naming the variable', () => {
    expect(() => configFromEnv({ KAIZEN_TIMEOUT: 'ten' })).toThrow(/KAIZEN_TIMEOUT must be a number of seconds/);
    expect(() => configFromEnv({ KAIZEN_TIMEOUT: '0' })).toThrow(KaizenError);
    expect(() => configFromEnv({ KAIZEN_MAX_RETRIES: '1.5' })).toThrow(/KAIZEN_MAX_RETRIES must be a whole number/);
    expect(() => configFromEnv({ KAIZEN_LOG: 'loud' })).toThrow(/KAIZEN_LOG must be one of/);
  });

  it('picks the proxy for the scheme and honours NO_PROXY', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://plain:3128', NO_PROXY: 'localhost,.internal.example' };
    expect(proxyFromEnv('https://kaizen.example.com/', env)).toBe('http://proxy:3128');
    expect(proxyFromEnv('http://kaizen.local/', env)).toBe('http://plain:3128');
    expect(proxyFromEnv('https://kaizen.internal.example/', env)).toBeUndefined();
    expect(proxyFromEnv('http://localhost:8000/', env)).toBeUndefined();
    expect(proxyFromEnv('https://x/', { ...env, NO_PROXY: '*' })).toBeUndefined();
    expect(configFromEnv({ https_proxy: 'http://p:1', KAIZEN_BASE_URL: 'https://kaizen.example.com/' }).proxy).toBe('http://p:1');
    // The default URL is this machine: a proxy could not reach it.
    expect(configFromEnv({ http_proxy: 'http://p:1' }).proxy).toBeUndefined();
    for (const local of ['http://localhost:8787/', 'http://127.0.0.1:8787/', 'http://127.1.2.3/', 'http://[::1]:8787/']) expect(proxyFromEnv(local, env), local).toBeUndefined();
    expect(configFromEnv({ http_proxy: 'http://p:1', KAIZEN_BASE_URL: 'http://kaizen.internal/' }).proxy).toBe('http://p:1');
  });

  it('KaizenClient.fromEnv applies env then overrides; the constructor checks options', async () => {
    await using kz = KaizenClient.fromEnv({ timeout: 5 }, { KAIZEN_BASE_URL: 'http://127.0.0.1:9/' });
    expect(kz.baseUrl).toBe('http://127.0.0.1:9/');
    expect(kz.mode).toBe('remote');
    expect(() => new KaizenClient({ timeout: -1 })).toThrow(/timeout must be a positive number/);
    expect(() => new KaizenClient({ maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(() => new KaizenClient({ baseUrl: 'ftp://x' })).toThrow(/http or https/);
    expect(() => new KaizenClient({ baseUrl: 'not a url' })).toThrow(/absolute http/);
  });
});

describe('redaction', () => {
  it('hides secrets whatever their case', () => {
    expect(redactHeaders({ 'X-Api-Key': 'k', Authorization: 'Bearer k', accept: 'application/json' })).toEqual({
      'X-Api-Key': '***',
      Authorization: '***',
      accept: 'application/json',
    });
  });
});
