/** Every method against the real server over HTTP, error classes per status, and parity with local(). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KaizenAuthenticationError,
  KaizenBadRequestError,
  KaizenClient,
  KaizenGoneError,
  KaizenNotFoundError,
  KaizenPayloadTooLargeError,
  KaizenPermissionError,
  KaizenRateLimitError,
  KaizenValidationError,
} from '../src/index.js';
import { type RealServer, startRealServer } from './helpers/real-server.js';

const INVOICE = {
  invoice: 'INV-7',
  customer: { name: 'Ada', vip: true, tags: ['b2b', 'eu'] },
  lines: [
    { sku: 'A-1', qty: 2, price: 9.5, note: null },
    { sku: 'B-22', qty: 1, price: 120, note: 'gift wrap' },
    { sku: 'C-3', qty: 10, price: 0.25, note: null },
  ],
};
const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `Summarise: ${JSON.stringify(INVOICE)}` }] };

let real: RealServer;
let clock = Date.now();
beforeAll(async () => {
  real = await startRealServer({ now: () => clock, payloadTtlSeconds: 60, tombstoneSeconds: 3600 });
});
afterAll(() => real.close());

const remote = () => new KaizenClient({ baseUrl: real.url, apiKey: real.key, logLevel: 'off' });

/** Envelopes minus what differs per call (ids, timestamps) or per deployment (health extras). */
function stable(envelope: unknown): unknown {
  return JSON.parse(JSON.stringify(envelope), (key, value) => {
    if (key === 'payload_id' || key === 'expires_at' || key === 'uptime' || key === '_kaizen') return '<varies>';
    return value;
  });
}

describe('every method against the real server', () => {
  it('health', async () => {
    await using kz = remote();
    const health = await kz.health();
    expect(health).toMatchObject({ operation: 'health', status: 'ok', version: expect.any(String), ktof_version: expect.any(String) });
    // local() reports the same fields, each with what holds in-process.
    await using local = KaizenClient.local();
    const shape = (value: unknown): unknown =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) : typeof value;
    const localHealth = await local.health();
    expect(Object.keys(localHealth).sort()).toEqual(Object.keys(health).sort());
    expect(Object.keys(shape(localHealth.limits) as object).sort()).toEqual(Object.keys(shape(health.limits) as object).sort());
    expect(Object.keys(shape(localHealth.auth) as object).sort()).toEqual(Object.keys(shape(health.auth) as object).sort());
    expect(localHealth).toMatchObject({ backend: 'memory', auth: { anonymous_loopback: true }, limits: { payload_ttl_seconds: 86_400 } });
  });

  it('compress -> decompress round trip with stats', async () => {
    await using kz = remote();
    const packed = await kz.compress({ data: INVOICE });
    expect(packed.operation).toBe('compress');
    expect(packed.stats.original_bytes).toBe(Buffer.byteLength(JSON.stringify(INVOICE)));
    expect(packed.stats.compressed_bytes).toBe(Buffer.byteLength(packed.result));
    const back = await kz.decompress({ data: packed.result });
    expect(back.result).toEqual(INVOICE);
    expect(back.data).toEqual(INVOICE);
  });

  it('optimize with token stats for two model families', async () => {
    await using kz = remote();
    const out = await kz.optimize({ data: INVOICE, token_models: ['gpt-4o-mini', 'claude-3-5-sonnet'] });
    expect(Object.keys(out.token_stats)).toEqual(['gpt-4o-mini', 'claude-3-5-sonnet']);
    for (const stats of Object.values(out.token_stats)) expect(stats.original).toBeGreaterThan(0);
  });

  it('optimizeRequest echoes metadata; optimizeResponse decodes a reply', async () => {
    await using kz = remote();
    const req = await kz.optimizeRequest({ prompt: CHAT, metadata: { correlation_id: 'c-1' }, token_models: ['gpt-4o-mini'] });
    expect(req.operation).toBe('optimize.request');
    expect(req.metadata).toEqual({ correlation_id: 'c-1' });
    const packed = await kz.compress({ data: { answer: 42, ok: true } });
    const reply = await kz.optimizeResponse({ ktof: packed.result });
    expect(reply.result).toEqual({ answer: 42, ok: true });
    expect(reply.meta.is_ktof).toBe(true);
  });

  it('promptsEncode -> promptsDecode by id, with merged metadata and the X-Request-ID', async () => {
    await using kz = remote();
    const encoded = await kz.promptsEncode({ prompt: CHAT, metadata: { user: 'u-1' } }, { requestId: 'enc-1' });
    const id = encoded.meta.payload_id;
    expect(id).toMatch(/^kz_[A-Za-z0-9_-]{22}$/);
    const decoded = await kz.promptsDecode({ ktof: id, metadata: { step: 'replay' } });
    expect(decoded.result).toEqual(CHAT);
    expect(decoded.metadata).toMatchObject({ user: 'u-1', step: 'replay', _kaizen: { request_id: 'enc-1' } });
    const inline = await kz.promptsDecode({ ktof: (await kz.compress({ data: [1, 2, 3] })).result });
    expect(inline.result).toEqual([1, 2, 3]);
  });

  it('batch encode/decode over HTTP keeps order', async () => {
    await using kz = remote();
    const prompts = Array.from({ length: 9 }, (_, i) => ({ prompt: { n: i, rows: [{ a: i, b: 'x' }] } }));
    const encoded = await kz.promptsEncodeBatch(prompts, { concurrency: 3 });
    expect(encoded.every((r) => r.status === 'fulfilled')).toBe(true);
    const ids = encoded.map((r) => (r.status === 'fulfilled' ? r.value.meta.payload_id : ''));
    const decoded = await kz.promptsDecodeBatch([...ids.map((ktof) => ({ ktof })), { ktof: 'kz_AAAAAAAAAAAAAAAAAAAAAA' }], { concurrency: 4 });
    expect(decoded.slice(0, 9).map((r) => r.status === 'fulfilled' && r.value.result)).toEqual(prompts.map((p) => p.prompt));
    expect(decoded[9]).toMatchObject({ status: 'rejected', reason: expect.any(KaizenNotFoundError) });
  });

  it('local() answers with the same envelopes as the server', async () => {
    await using kz = remote();
    await using local = KaizenClient.local();
    const calls: [string, (c: KaizenClient) => Promise<unknown>][] = [
      ['compress', (c) => c.compress({ data: INVOICE, options: { delimiter: '|' } })],
      ['optimize', (c) => c.optimize({ data: INVOICE, token_models: ['gpt-4o', 'claude-3-5-sonnet', 'llama-3-70b'] })],
      ['decompress', async (c) => c.decompress({ data: (await c.compress({ data: INVOICE })).result })],
      ['optimizeRequest', (c) => c.optimizeRequest({ prompt: CHAT, metadata: { a: 1 }, token_models: ['gpt-4o-mini'] })],
      ['optimizeResponse', (c) => c.optimizeResponse({ ktof: 'plain words, no KTOF here' })],
      ['promptsEncode', (c) => c.promptsEncode({ prompt: CHAT, schemas: { invoice: { type: 'object' } } })],
      ['promptsDecode', async (c) => c.promptsDecode({ ktof: (await c.promptsEncode({ prompt: CHAT, metadata: { k: 'v' } })).meta.payload_id })],
    ];
    for (const [name, call] of calls) {
      const [a, b] = [await call(kz), await call(local)];
      expect(stable(b), name).toEqual(stable(a));
    }
    // Health: the same fields (see the health test); the deployment details differ in value.
    const [h1, h2] = [await kz.health(), await local.health()];
    expect({ operation: h2.operation, status: h2.status, ktof_version: h2.ktof_version }).toEqual({ operation: h1.operation, status: h1.status, ktof_version: h1.ktof_version });
  });
});

describe('errors from the real server', () => {
  it('401 for a missing or wrong key, with the server request id', async () => {
    await using nokey = new KaizenClient({ baseUrl: real.url, logLevel: 'off' });
    const a = await nokey.compress({ data: 1 }, { requestId: 'rid-401' }).catch((e: unknown) => e);
    expect(a).toBeInstanceOf(KaizenAuthenticationError);
    expect(a).toMatchObject({ statusCode: 401, code: 'missing_api_key', requestId: 'rid-401' });
    await using wrong = new KaizenClient({ baseUrl: real.url, apiKey: 'kzk_wrong', logLevel: 'off' });
    await expect(wrong.compress({ data: 1 })).rejects.toMatchObject({ name: 'KaizenAuthenticationError', code: 'invalid_api_key' });
  });

  it('a Bearer-only client authenticates too', async () => {
    await using kz = new KaizenClient({ baseUrl: real.url, defaultHeaders: { authorization: `Bearer ${real.key}` }, logLevel: 'off' });
    expect((await kz.compress({ data: [1] })).operation).toBe('compress');
  });

  it('403 for a revoked key', async () => {
    const { key } = await real.server.backends.keys.create('revoked-tenant');
    await real.server.backends.keys.revoke(key);
    await using kz = new KaizenClient({ baseUrl: real.url, apiKey: key, logLevel: 'off' });
    const error = await kz.health().then(() => kz.compress({ data: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaizenPermissionError);
    expect(error).toMatchObject({ statusCode: 403, code: 'key_revoked' });
  });

  it('404 for an unknown payload id, 410 once its retention has passed', async () => {
    await using kz = remote();
    await expect(kz.promptsDecode({ ktof: 'kz_BBBBBBBBBBBBBBBBBBBBBB' })).rejects.toBeInstanceOf(KaizenNotFoundError);
    const { meta } = await kz.promptsEncode({ prompt: { hello: 'world' } });
    clock += 61_000; // forward only: the rate limiter shares this clock
    const error = await kz.promptsDecode({ ktof: meta.payload_id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaizenGoneError);
    expect(error).toMatchObject({ statusCode: 410, code: 'payload_expired', detail: expect.stringContaining(meta.payload_id) });
  });

  it('400 for malformed KTOF with line and column in the payload', async () => {
    await using kz = remote();
    const error = await kz.decompress({ data: '"unterminated' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaizenBadRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'malformed_ktof', payload: { line: expect.any(Number), column: expect.any(Number) } });
  });

  it('422 from the server (unknown token model) and the same 422 detail locally as remotely', async () => {
    await using kz = remote();
    const server422 = await kz.optimize({ data: 1, token_models: ['no-such-model'] }).catch((e: unknown) => e);
    expect(server422).toBeInstanceOf(KaizenValidationError);
    expect(server422).toMatchObject({ statusCode: 422, code: 'unknown_token_model' });
    expect((server422 as KaizenValidationError).errors[0]!.loc).toEqual(['body', 'token_models', 0]);

    // Client-side validation must say exactly what the server would have said.
    const bad = { data: 1, options: { indent: 0, delimiter: ';;', extra: true } };
    const local = await kz.compress(bad as never).catch((e: unknown) => e);
    const response = await fetch(`${real.url}/v1/compress`, { method: 'POST', headers: { 'x-api-key': real.key, 'content-type': 'application/json' }, body: JSON.stringify(bad) });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { detail: unknown };
    expect((local as KaizenValidationError).detail).toEqual(body.detail);
  });

  it('413 for a body over the server limit', async () => {
    const small = await startRealServer({ maxBodyBytes: 2048 });
    try {
      await using kz = new KaizenClient({ baseUrl: small.url, apiKey: small.key, logLevel: 'off' });
      const error = await kz.compress({ data: 'x'.repeat(20_000) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KaizenPayloadTooLargeError);
      expect(error).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    } finally {
      await small.close();
    }
  });

  it('429 with Retry-After from the rate limiter', async () => {
    const limited = await startRealServer({ rateLimitPerMinute: 1 });
    try {
      await using kz = new KaizenClient({ baseUrl: limited.url, apiKey: limited.key, maxRetries: 0, logLevel: 'off' });
      await kz.compress({ data: 1 });
      const error = await kz.compress({ data: 2 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KaizenRateLimitError);
      const rate = error as KaizenRateLimitError;
      expect(rate.statusCode).toBe(429);
      expect(rate.retryAfter).toBeGreaterThan(0);
      expect(rate.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});
