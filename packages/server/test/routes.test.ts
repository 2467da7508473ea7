import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '@kaizen/ktof';
import { generateOpenApi } from '@kaizen/protocol';
import { chatPrompt, removeTempDirs, startTestServer, waitFor, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ version: '1.2.3' });
});
afterAll(async () => {
  await t.server.close();
  removeTempDirs();
});

describe('routes over real HTTP', () => {
  it('GET / is health with uptime, version and auth mode', async () => {
    const r = await t.call('/', undefined, { key: null });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ operation: 'health', status: 'ok', version: '1.2.3', backend: 'sqlite', auth: { anonymous_loopback: false } });
    expect(typeof r.body.uptime).toBe('number');
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('GET /openapi.json serves the generated document', async () => {
    const r = await t.call('/openapi.json', undefined, { key: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(generateOpenApi({ version: '1.2.3' }))));
  });

  it('POST /v1/compress returns KTOF and byte stats (x-api-key)', async () => {
    const data = { users: [{ id: 1, name: 'Ada' }, { id: 2, name: 'Lin' }] };
    const r = await t.call('/v1/compress', { data });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ operation: 'compress', status: 'ok', result: encode(data) });
    expect(r.body.stats.original_bytes).toBe(Buffer.byteLength(JSON.stringify(data)));
    expect(r.body.stats.compressed_bytes).toBe(Buffer.byteLength(r.body.result));
  });

  it('POST /v1/decompress returns the value in data and result (Authorization: Bearer)', async () => {
    const value = { a: [1, { b: null }], c: 'ü' };
    const r = await t.call('/v1/decompress', { data: encode(value), options: { strict: true } }, { key: null, headers: { authorization: `Bearer ${t.key}` } });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual(value);
    expect(r.body.result).toEqual(value);
    expect(r.body.operation).toBe('decompress');
  });

  it('POST /v1/optimize counts tokens per model', async () => {
    const r = await t.call('/v1/optimize', { data: chatPrompt, token_models: ['gpt-4o', 'gpt-4', 'claude-3-5-haiku', 'gemini-2.0-flash'] });
    expect(r.status).toBe(200);
    expect(r.body.token_stats['gpt-4o']).toMatchObject({ estimated: false, encoding: 'o200k_base' });
    expect(r.body.token_stats['gpt-4']).toMatchObject({ estimated: false, encoding: 'cl100k_base' });
    expect(r.body.token_stats['claude-3-5-haiku'].estimated).toBe(true);
    expect(r.body.token_stats['gemini-2.0-flash'].estimated).toBe(true);
    expect(r.body.stats.tokens_saved).toHaveProperty('gpt-4o');
  });

  it('counts prompts that mention special tokens (<|endoftext|>) as plain text instead of failing', async () => {
    const content = 'Why does my model stop at <|endoftext|>? Logs: [{"step":1,"token":"<|endoftext|>"},{"step":2,"token":"<|fim_prefix|>"}]';
    const prompt = { model: 'gpt-4o', messages: [{ role: 'user', content }] };
    for (const route of ['/v1/optimize/request', '/v1/prompts/encode']) {
      const r = await t.call(route, { prompt, token_models: ['gpt-4o', 'gpt-4', 'claude-3-5-haiku'] });
      expect(r.status).toBe(200);
      expect(r.body.token_stats['gpt-4o'].original).toBeGreaterThan(20);
    }
  });

  it('counts tokens of long unbroken runs without stalling (byte-pair merging is quadratic in a run)', async () => {
    const data = { blob: 'x'.repeat(500_000), note: '我们今天讨论一下这个问题的解决方案'.repeat(10_000) };
    const r = await t.call('/v1/optimize', { data, token_models: ['gpt-4o', 'gpt-4', 'claude-3-5-haiku'] });
    expect(r.status).toBe(200);
    expect(r.body.token_stats['gpt-4o'].original).toBeGreaterThan(50_000);
  });

  it('POST /v1/optimize/request echoes metadata unchanged', async () => {
    const metadata = { trace_id: 'abc', nested: { n: [1, 2] } };
    const r = await t.call('/v1/optimize/request', { prompt: chatPrompt, metadata, token_models: ['gpt-4o-mini'] });
    expect(r.status).toBe(200);
    expect(r.body.operation).toBe('optimize.request');
    expect(r.body.metadata).toEqual(metadata);
    expect(r.body.meta).toMatchObject({ auto_detect_json: true, format: 'ktof' });
    expect(Array.isArray(r.body.meta.detections)).toBe(true);
  });

  it('POST /v1/optimize/response decodes KTOF replies', async () => {
    const r = await t.call('/v1/optimize/response', { ktof: encode({ late: [1] }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ operation: 'optimize.response', result: { late: [1] }, meta: { is_ktof: true } });
  });

  it('prompts.encode stores the payload; prompts.decode by id returns it with merged metadata', async () => {
    const enc = await t.call('/v1/prompts/encode', { prompt: chatPrompt, metadata: { user: 'u1' }, token_models: ['gpt-4o-mini'] });
    expect(enc.status).toBe(200);
    const id = enc.body.meta.payload_id as string;
    expect(id).toMatch(/^kz_[A-Za-z0-9_-]{22}$/);
    expect(enc.body.metadata).toEqual({ user: 'u1' });
    const dec = await t.call('/v1/prompts/decode', { ktof: id, metadata: { user: 'other', extra: true }, replay_meta: { reason: 'audit' } });
    expect(dec.status).toBe(200);
    expect(dec.body.data).toEqual(chatPrompt);
    expect(dec.body.metadata).toMatchObject({ user: 'u1', extra: true });
    expect(dec.body.metadata._kaizen.request_id).toBe(enc.headers.get('x-request-id'));
    expect(dec.body.meta).toMatchObject({ source: 'payload', payload_id: id, replay_recorded: true });
    const replays = (t.server.backends.payloads as import('../src/index.js').SqlitePayloadStore).replays('acme', id);
    expect(replays).toEqual([expect.objectContaining({ replayMeta: { reason: 'audit' }, requestId: dec.headers.get('x-request-id') })]);
  });

  it('prompts.decode accepts inline KTOF', async () => {
    const r = await t.call('/v1/prompts/decode', { ktof: encode({ x: 1 }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ data: { x: 1 }, meta: { source: 'inline' } });
  });

  it('echoes a sane X-Request-ID and replaces an insane one', async () => {
    const ok = await t.call('/', undefined, { key: null, headers: { 'x-request-id': 'trace-123' } });
    expect(ok.headers.get('x-request-id')).toBe('trace-123');
    const bad = await t.call('/nowhere', undefined, { key: null, headers: { 'x-request-id': 'a b\tc' } });
    expect(bad.headers.get('x-request-id')).not.toBe('a b\tc');
    expect(bad.body.request_id).toBe(bad.headers.get('x-request-id'));
  });

  it('GET /metrics exposes requests by route and status, latency, bytes and tokens saved', async () => {
    await t.call('/v1/compress', { data: { rows: Array.from({ length: 20 }, (_, i) => ({ id: i, ok: true })) } });
    const r = await fetch(`${t.url}/metrics`);
    const text = await r.text();
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/kaizen_http_requests_total\{route="\/v1\/compress",method="POST",status="200"\} \d+/);
    expect(text).toMatch(/kaizen_http_requests_total\{route="unmatched",method="GET",status="404"\} \d+/);
    expect(text).toContain('kaizen_http_request_duration_seconds_bucket');
    expect(text).toContain('kaizen_bytes_saved_total');
    expect(text).toContain('kaizen_tokens_saved_total');
  });

  it('logs one JSON line per request with the request id', async () => {
    const r = await t.call('/', undefined, { key: null, headers: { 'x-request-id': 'log-check-1' } });
    expect(r.status).toBe(200);
    const line = await waitFor('the access log line of log-check-1', () => t.logs.lines.map((l) => JSON.parse(l)).find((l) => l.request_id === 'log-check-1'));
    expect(line).toMatchObject({ level: 'info', method: 'GET', path: '/', status: 200 });
  });
});
