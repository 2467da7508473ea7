/** KaizenClient.local(): the engine in-process, same envelopes and error classes, no network. */
import { describe, expect, it } from 'vitest';
import {
  KaizenAbortError,
  KaizenBadRequestError,
  KaizenClient,
  KaizenGoneError,
  KaizenNotFoundError,
  KaizenValidationError,
  type KaizenResponseInfo,
  withKaizenClient,
} from '../src/index.js';

const ORDERS = { orders: [{ id: 1, sku: 'A-1', qty: 2, paid: true }, { id: 2, sku: 'B-7', qty: 1, paid: false }] };

describe('KaizenClient.local()', () => {
  it('round-trips data through compress/decompress with stats', async () => {
    await using kz = KaizenClient.local();
    expect(kz.mode).toBe('local');
    const packed = await kz.compress({ data: ORDERS });
    expect(packed).toMatchObject({ operation: 'compress', status: 'ok', meta: { format: 'ktof' } });
    expect(typeof packed.result).toBe('string');
    expect(packed.stats.original_bytes).toBe(new TextEncoder().encode(JSON.stringify(ORDERS)).length);
    const back = await kz.decompress({ data: packed.result });
    expect(back.result).toEqual(ORDERS);
    expect(back.data).toEqual(ORDERS);
  });

  it('counts tokens per model in optimize', async () => {
    await using kz = KaizenClient.local();
    const out = await kz.optimize({ data: ORDERS, token_models: ['gpt-4o-mini'] });
    const stats = out.token_stats['gpt-4o-mini']!;
    expect(stats.original).toBeGreaterThan(0);
    expect(stats.compressed).toBeGreaterThan(0);
    expect(stats.estimated).toBe(false);
  });

  it('stores prompts: encode, decode by id with merged metadata, then 404 for unknown ids', async () => {
    await using kz = KaizenClient.local();
    const prompt = { messages: [{ role: 'user', content: JSON.stringify(ORDERS) }] };
    const encoded = await kz.promptsEncode({ prompt, metadata: { trace: 't-1' } });
    expect(encoded.metadata).toEqual({ trace: 't-1' });
    const id = encoded.meta.payload_id;
    expect(id).toMatch(/^kz_/);
    const decoded = await kz.promptsDecode({ ktof: id, metadata: { step: 2 }, replay_meta: { by: 'test' } });
    expect(decoded.result).toEqual(prompt);
    expect(decoded.metadata).toMatchObject({ trace: 't-1', step: 2 });
    expect(decoded.meta).toMatchObject({ source: 'payload', payload_id: id, replay_recorded: true });
    const missing = await kz.promptsDecode({ ktof: 'kz_AAAAAAAAAAAAAAAAAAAAAA' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KaizenNotFoundError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'payload_not_found' });
  });

  it('decompress reads every producer as the server does: compress with construct-like keys, prompts.encode result, payload id, 404/410', async () => {
    await using kz = KaizenClient.local({ payloadTtlSeconds: 0.05 });
    const data = { wrapper: { $json: { kept: 'as sent' } }, note: '{"a":1}' };
    const packed = await kz.compress({ data });
    expect(JSON.stringify((await kz.decompress({ data: packed.result })).data)).toBe(JSON.stringify(data));
    const prompt = { messages: [{ role: 'tool', content: JSON.stringify(ORDERS, null, 2) }] };
    const encoded = await kz.promptsEncode({ prompt });
    expect((await kz.decompress({ data: encoded.result })).data).toEqual(prompt);
    const byId = await kz.decompress({ data: encoded.meta.payload_id });
    expect(byId.data).toEqual(prompt);
    expect(byId.meta).toMatchObject({ source: 'payload', payload_id: encoded.meta.payload_id });
    const missing = await kz.decompress({ data: 'kz_AAAAAAAAAAAAAAAAAAAAAA' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KaizenNotFoundError);
    await new Promise((r) => setTimeout(r, 80));
    const gone = await kz.decompress({ data: encoded.meta.payload_id }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(KaizenGoneError);
  });

  it('answers 410 once the retention window has passed', async () => {
    await using kz = KaizenClient.local({ payloadTtlSeconds: 0.05 });
    const { meta } = await kz.promptsEncode({ prompt: 'hello' });
    await new Promise((r) => setTimeout(r, 80));
    const error = await kz.promptsDecode({ ktof: meta.payload_id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaizenGoneError);
    expect(error).toMatchObject({ statusCode: 410, code: 'payload_expired' });
  });

  it('throws the same classes as the server: 422 and 400 with request ids', async () => {
    await using kz = KaizenClient.local();
    const invalid = await kz.optimize({ data: 1, token_models: 'gpt-4o' } as never, { requestId: 'rid-1' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(KaizenValidationError);
    expect(invalid).toMatchObject({ requestId: 'rid-1', payload: { code: 'validation_error', request_id: 'rid-1' } });
    const malformed = await kz.decompress({ data: '"unterminated' }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(KaizenBadRequestError);
    expect(malformed).toMatchObject({ statusCode: 400, code: 'malformed_ktof' });
    // An empty document is `{}` for decompress, but an empty reply to decode is a bad request.
    const empty = await kz.promptsDecode({ ktof: '   ' }).catch((e: unknown) => e);
    expect(empty).toMatchObject({ statusCode: 400, code: 'invalid_payload' });
  });

  it('reports health, fires hooks, honours an aborted signal', async () => {
    const seen: KaizenResponseInfo[] = [];
    await using kz = KaizenClient.local({ onResponse: (i) => seen.push(i) });
    const health = await kz.health();
    expect(health).toMatchObject({ operation: 'health', status: 'ok' });
    expect(seen[0]).toMatchObject({ operation: 'health', status: 200, attempt: 1, url: 'local:/' });
    await expect(kz.compress({ data: 1 }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(KaizenAbortError);
  });

  it('batches with bounded concurrency and per-item results', async () => {
    await using kz = KaizenClient.local();
    const items = [{ prompt: { a: 1 } }, { prompt: { b: 2 }, options: { indent: 0 } }, { prompt: [1, 2, 3] }];
    const results = await kz.promptsEncodeBatch(items, { concurrency: 2, requestId: 'batch' });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failed = results[1]!;
    expect(failed.status === 'rejected' && failed.reason).toBeInstanceOf(KaizenValidationError);
    expect(failed.status === 'rejected' && (failed.reason as KaizenValidationError).requestId).toBe('batch-1');
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.meta.payload_id] : []));
    const decoded = await kz.promptsDecodeBatch(ids.map((ktof) => ({ ktof })));
    expect(decoded.map((r) => r.status === 'fulfilled' && r.value.result)).toEqual([{ a: 1 }, [1, 2, 3]]);
  });
});

describe('withKaizenClient', () => {
  it('closes the client it created, and leaves a lent one open', async () => {
    let created: KaizenClient | undefined;
    const out = await withKaizenClient(async (kz) => {
      created = kz;
      return kz.baseUrl;
    }, { baseUrl: 'http://127.0.0.1:9/' });
    expect(out).toBe('http://127.0.0.1:9/');
    expect(created!.closed).toBe(true);

    const lent = KaizenClient.local();
    const health = await withKaizenClient((kz) => kz.health(), lent);
    expect(health.operation).toBe('health');
    expect(lent.closed).toBe(false);
    await lent.close();

    let thrownFrom: KaizenClient | undefined;
    await expect(withKaizenClient(async (kz) => { thrownFrom = kz; throw new Error('boom'); })).rejects.toThrow('boom');
    expect(thrownFrom!.closed).toBe(true);
  });
});
