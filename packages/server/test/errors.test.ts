import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import fc from 'fast-check';
import { removeTempDirs, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let clock = Date.UTC(2030, 0, 1);
beforeAll(async () => {
  t = await startTestServer({ maxBodyBytes: 4096, payloadTtlSeconds: 60, tombstoneSeconds: 120, now: () => clock });
});
afterAll(async () => {
  await t.server.close();
  removeTempDirs();
});

const expectError = (r: { status: number; body: any; headers: Headers }, status: number, code: string) => {
  expect(r.status).toBe(status);
  expect(r.body.code).toBe(code);
  expect(r.body.detail).toBeTruthy();
  expect(r.body.request_id).toBe(r.headers.get('x-request-id'));
};

describe('authentication', () => {
  it('401 without a key, with a wrong key, with a malformed Authorization header', async () => {
    expectError(await t.call('/v1/compress', { data: 1 }, { key: null }), 401, 'missing_api_key');
    expectError(await t.call('/v1/compress', { data: 1 }, { key: 'kzk_' + 'A'.repeat(32) }), 401, 'invalid_api_key');
    expectError(await t.call('/v1/compress', { data: 1 }, { key: 'nonsense' }), 401, 'invalid_api_key');
    expectError(await t.call('/v1/compress', { data: 1 }, { key: null, headers: { authorization: `Basic ${t.key}` } }), 401, 'invalid_api_key');
    expectError(await t.call('/v1/compress', { data: 1 }, { key: null, headers: { authorization: 'Bearer kzk_wrong' } }), 401, 'invalid_api_key');
  });

  it('403 for a revoked key', async () => {
    const { key, record } = await t.server.backends.keys.create('revokee');
    expect((await t.call('/v1/compress', { data: 1 }, { key })).status).toBe(200);
    expect(await t.server.backends.keys.revoke(record.id)).toBe(true);
    expectError(await t.call('/v1/compress', { data: 1 }, { key }), 403, 'key_revoked');
  });
});

describe('request errors', () => {
  it('404 for unknown routes and wrong methods', async () => {
    expectError(await t.call('/v2/compress', { data: 1 }), 404, 'not_found');
    expectError(await t.call('/v1/compress', undefined, { method: 'GET' }), 404, 'not_found');
  });

  it('400 for malformed JSON and an empty body', async () => {
    expectError(await t.call('/v1/compress', undefined, { raw: '{"data": ' }), 400, 'malformed_json');
    expectError(await t.call('/v1/compress', undefined, { raw: '' }), 400, 'malformed_json');
  });

  it('422 in FastAPI shape for unknown fields, missing fields and bad options', async () => {
    const extra = await t.call('/v1/compress', { data: 1, colour: 'red' });
    expectError(extra, 422, 'validation_error');
    expect(extra.body.detail).toEqual([{ loc: ['body', 'colour'], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }]);
    const missing = await t.call('/v1/prompts/encode', { metadata: {} });
    expect(missing.body.detail).toEqual([{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }]);
    const options = await t.call('/v1/compress', { data: 1, options: { indent: 0, delimiter: ';;' } });
    expect(options.body.detail.map((d: any) => d.loc.join('.'))).toEqual(['body.options.indent', 'body.options.delimiter']);
    const notObject = await t.call('/v1/compress', [1, 2]);
    expectError(notObject, 422, 'validation_error');
    expect(notObject.body.detail[0].loc).toEqual(['body']);
  });

  it('422 for an unknown token model, listing the supported families', async () => {
    const r = await t.call('/v1/optimize', { data: { a: 1 }, token_models: ['gpt-4o', 'davinci-9000'] });
    expectError(r, 422, 'unknown_token_model');
    expect(r.body.detail[0].loc).toEqual(['body', 'token_models', 1]);
    expect(r.body.detail[0].msg).toContain('gpt-4o*');
    expect(r.body.detail[0].msg).toContain('claude-*');
  });

  it('400 for malformed KTOF with line and column, and for empty ktof / null data', async () => {
    const r = await t.call('/v1/decompress', { data: 'a:\n  b: [\n}}{{' });
    expectError(r, 400, 'malformed_ktof');
    expect(r.body.line).toBeGreaterThanOrEqual(1);
    expect(r.body.column).toBeGreaterThanOrEqual(1);
    expectError(await t.call('/v1/prompts/decode', { ktof: '   ' }), 400, 'invalid_payload');
    expectError(await t.call('/v1/compress', { data: null }), 400, 'invalid_payload');
  });

  it('413 over --max-body: declared Content-Length refused, chunked upload cut off', async () => {
    expectError(await t.call('/v1/compress', { data: 'x'.repeat(5000) }), 413, 'payload_too_large');
    // Chunked (no Content-Length): the server stops reading once past the limit.
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${t.url}/v1/compress`, { method: 'POST', headers: { 'x-api-key': t.key, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('{"data":"');
      let sent = 0;
      const pump = () => {
        if (sent > 64 * 1024 || req.destroyed) return req.end();
        sent += 1024;
        req.write('y'.repeat(1024), () => setImmediate(pump));
      };
      pump();
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body).code).toBe('payload_too_large');
  });

  it('property: arbitrary JSON bodies never produce a 5xx and always carry code and request_id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/compress', '/v1/decompress', '/v1/optimize', '/v1/optimize/request', '/v1/optimize/response', '/v1/prompts/encode', '/v1/prompts/decode'), fc.jsonValue({ maxDepth: 3 }), async (path, body) => {
        const r = await t.call(path, body);
        expect(r.status).toBeLessThan(500);
        if (r.status !== 200) {
          expect(typeof r.body.code).toBe('string');
          expect(r.body.request_id).toBe(r.headers.get('x-request-id'));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('stored payloads', () => {
  it('expire: 410 while the tombstone remains, 404 after; other tenants get 404', async () => {
    const enc = await t.call('/v1/prompts/encode', { prompt: { q: 'keep me' } });
    const id = enc.body.meta.payload_id;
    const { key: otherKey } = await t.server.backends.keys.create('other-tenant');
    expectError(await t.call('/v1/prompts/decode', { ktof: id }, { key: otherKey }), 404, 'payload_not_found');
    expect((await t.call('/v1/prompts/decode', { ktof: id })).body.data).toEqual({ q: 'keep me' });
    clock += 61_000;
    expectError(await t.call('/v1/prompts/decode', { ktof: id }), 410, 'payload_expired');
    // The sweeper deletes expired content but keeps the tombstone.
    (t.server.backends.payloads as import('../src/index.js').SqlitePayloadStore).sweep(clock);
    expectError(await t.call('/v1/prompts/decode', { ktof: id }), 410, 'payload_expired');
    clock += 120_000;
    expectError(await t.call('/v1/prompts/decode', { ktof: id }), 404, 'payload_not_found');
    expectError(await t.call('/v1/prompts/decode', { ktof: 'kz_AAAAAAAAAAAAAAAAAAAAAA' }), 404, 'payload_not_found');
  });
});

describe('rate limiting', () => {
  it('429 with Retry-After and RateLimit-* once a tenant exceeds its limit; other tenants unaffected', async () => {
    const limited = await startTestServer({ rateLimitPerMinute: 3 });
    try {
      const first = await limited.call('/v1/compress', { data: 1 });
      expect(first.headers.get('ratelimit-limit')).toBe('3');
      expect(first.headers.get('ratelimit-remaining')).toBe('2');
      // Refused requests inside the limit carry the same headers, once each.
      const invalid = await limited.call('/v1/compress', { data: 1, unknown_field: true });
      expectError(invalid, 422, 'validation_error');
      expect(invalid.headers.get('ratelimit-remaining')).toBe('1');
      expect(invalid.headers.get('x-request-id')).toBe(invalid.body.request_id);
      await limited.call('/v1/compress', { data: 1 });
      const refused = await limited.call('/v1/compress', { data: 1 });
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      const { key } = await limited.server.backends.keys.create('someone-else');
      expect((await limited.call('/v1/compress', { data: 1 }, { key })).status).toBe(200);
    } finally {
      await limited.server.close();
    }
  });
});

describe('faults', () => {
  it('503 with Retry-After when the store is unavailable, 500 without internals otherwise', async () => {
    const s = await startTestServer();
    try {
      const payloads = s.server.backends.payloads;
      const originalPut = payloads.put.bind(payloads);
      payloads.put = async () => {
        throw new Error('secret internal detail /var/lib/thing');
      };
      const r500 = await s.call('/v1/prompts/encode', { prompt: { a: 1 } });
      expectError(r500, 500, 'internal_error');
      expect(JSON.stringify(r500.body)).not.toContain('secret');
      expect(s.logs.text()).toContain('secret internal detail');
      payloads.put = originalPut;
      // Close the database underneath the running server: the engine is gone, not the app.
      await s.server.backends.close();
      const r503 = await s.call('/v1/prompts/encode', { prompt: { a: 1 } });
      expectError(r503, 503, 'backend_unavailable');
      expect(r503.headers.get('retry-after')).toBe('5');
    } finally {
      await s.server.close();
    }
  });
});
