import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, encode } from '@kaizen/ktof';
import { parseRequest, PAYLOAD_ID_PATTERN, type KaizenProblem } from '@kaizen/protocol';
import { AUDIT_KEY, createEngine, MemoryPayloadStore, newPayloadId, utf8Length } from '../src/index.js';
import { MAX_EXACT_COUNT_CHARS, portableUtf8Length } from '../src/measure.js';
import { tokenCounter } from '@kaizen/tokens';

const T0 = Date.UTC(2030, 0, 1);
const ctx = (tenant = 'acme', now = T0) => ({ tenant, requestId: 'req-1', now });

function setup(ttl = 60) {
  const store = new MemoryPayloadStore({ tombstoneSeconds: 120, now: () => T0 });
  const engine = createEngine({ store, version: '9.9.9', payloadTtlSeconds: ttl, now: () => T0 });
  return { store, engine };
}

async function problemOf(promise: Promise<unknown>): Promise<KaizenProblem> {
  try {
    await promise;
  } catch (error) {
    return error as KaizenProblem;
  }
  throw new Error('expected a problem');
}

const chat = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You extract invoices.' },
    { role: 'user', content: JSON.stringify({ items: [{ sku: 'A-1', qty: 2, price: 9.5 }, { sku: 'B-2', qty: 1, price: 20 }] }) },
  ],
};

describe('engine', () => {
  it('health reports version and uptime', () => {
    const { engine } = setup();
    expect(engine.health()).toMatchObject({ operation: 'health', status: 'ok', version: '9.9.9', uptime: 0 });
  });

  it('compress: KTOF result with UTF-8 byte stats of compact JSON vs KTOF', async () => {
    const { engine } = setup();
    const data = { name: 'Zoë', tags: ['東京', 'x'], n: null };
    const out = await engine.compress(parseRequest('compress', { data }), ctx());
    expect(out.operation).toBe('compress');
    expect(out.result).toBe(encode(data));
    expect(out.stats.original_bytes).toBe(new TextEncoder().encode(JSON.stringify(data)).length);
    expect(out.stats.compressed_bytes).toBe(new TextEncoder().encode(out.result).length);
    expect(out.stats.reduction_ratio).toBeCloseTo(out.stats.compressed_bytes / out.stats.original_bytes, 3);
    expect(out.meta.format).toBe('ktof');
  });

  it('optimize: per-model token stats and deltas', async () => {
    const { engine } = setup();
    const out = await engine.optimize(parseRequest('optimize', { data: chat, token_models: ['gpt-4o-mini', 'claude-3-5-sonnet', 'gpt-4o-mini'] }), ctx());
    expect(Object.keys(out.token_stats)).toEqual(['gpt-4o-mini', 'claude-3-5-sonnet']);
    expect(out.token_stats['gpt-4o-mini']).toMatchObject({ estimated: false, encoding: 'o200k_base' });
    expect(out.token_stats['claude-3-5-sonnet']!.estimated).toBe(true);
    const t = out.token_stats['gpt-4o-mini']!;
    expect(out.stats.tokens_saved!['gpt-4o-mini']).toBe(t.original - t.compressed);
  });

  it('unknown token model: 422 pointing at the entry and listing families', async () => {
    const { engine } = setup();
    const problem = await problemOf(engine.optimize(parseRequest('optimize', { data: 1, token_models: ['gpt-4o', 'bogus-1'] }), ctx()));
    expect(problem.status).toBe(422);
    expect(problem.code).toBe('unknown_token_model');
    expect(problem.detail).toEqual([expect.objectContaining({ loc: ['body', 'token_models', 1], type: 'value_error' })]);
    expect(JSON.stringify(problem.detail)).toContain('claude-*');
  });

  it('null data/prompt and blank ktof for prompts.decode are 400s', async () => {
    const { engine } = setup();
    expect((await problemOf(engine.compress(parseRequest('compress', { data: null }), ctx()))).status).toBe(400);
    expect((await problemOf(engine.promptsEncode(parseRequest('promptsEncode', { prompt: null }), ctx()))).code).toBe('invalid_payload');
    // ...but an empty KTOF document is the empty object, so decompress accepts it.
    expect((await engine.decompress(parseRequest('decompress', { data: '' }), ctx())).data).toEqual({});
    expect((await problemOf(engine.promptsDecode(parseRequest('promptsDecode', { ktof: '' }), ctx()))).status).toBe(400);
  });

  it('values nested past what the codec takes are 400s that say so, for every encoding operation', async () => {
    const { engine } = setup();
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep }; // deep enough to overflow a recursive JSON.stringify
    const chatWithDeepTools = { messages: [{ role: 'user', content: 'hi' }], tools: [deep] };
    const cases = [
      engine.compress(parseRequest('compress', { data: deep }), ctx()),
      engine.optimize(parseRequest('optimize', { data: deep, token_models: ['gpt-4o'] }), ctx()),
      engine.optimizeRequest(parseRequest('optimizeRequest', { prompt: deep }), ctx()),
      engine.promptsEncode(parseRequest('promptsEncode', { prompt: chatWithDeepTools }), ctx()),
    ];
    for (const problem of await Promise.all(cases.map(problemOf))) {
      expect(problem).toMatchObject({ status: 400, code: 'invalid_payload' });
      expect(problem.message).toMatch(/nests too deeply|deeper than 1000 levels, the most the API takes/);
      expect(problem.message.length).toBeLessThan(200);
    }
  });

  it('counts the tokens of requests over MAX_EXACT_COUNT_CHARS from samples, and says they are estimated', async () => {
    const { engine } = setup();
    const prose = (chars: number) => 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(chars / 45));
    const small = await engine.optimize(parseRequest('optimize', { data: { text: prose(10_000) }, token_models: ['gpt-4o'] }), ctx());
    expect(small.token_stats['gpt-4o']).toMatchObject({ estimated: false, encoding: 'o200k_base' });
    const large = { text: prose(MAX_EXACT_COUNT_CHARS + 1000) };
    const big = await engine.optimize(parseRequest('optimize', { data: large, token_models: ['gpt-4o'] }), ctx());
    expect(big.token_stats['gpt-4o']).toMatchObject({ estimated: true, encoding: 'o200k_base' });
    // Windows of the text itself, so the count stays close to the tokenizer's.
    const count = await tokenCounter('gpt-4o');
    const exact = count(JSON.stringify(large));
    expect(Math.abs(big.token_stats['gpt-4o']!.original - exact) / exact).toBeLessThan(0.02);
    const chat = { messages: [{ role: 'user', content: prose(MAX_EXACT_COUNT_CHARS + 1000) }] };
    const prompt = await engine.promptsEncode(parseRequest('promptsEncode', { prompt: chat, token_models: ['gpt-4o', 'claude-3-5-haiku'] }), ctx());
    expect(prompt.token_stats['gpt-4o']!.estimated).toBe(true);
    expect(prompt.token_stats['claude-3-5-haiku']!.estimated).toBe(true);
    // Many medium messages are sampled across, not counted one by one.
    const turns = Array.from({ length: 300 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Turn ${i}. ${prose(2_000)}` }));
    const long = await engine.promptsEncode(parseRequest('promptsEncode', { prompt: { messages: turns }, token_models: ['gpt-4o'] }), ctx());
    const exactTurns = turns.reduce((n, turn) => n + count(turn.content), 0);
    expect(long.token_stats['gpt-4o']).toMatchObject({ estimated: true });
    expect(Math.abs(long.token_stats['gpt-4o']!.original - exactTurns) / exactTurns).toBeLessThan(0.02);
  });

  it('decompress: value in data and result; malformed KTOF is a 400 with line and column', async () => {
    const { engine } = setup();
    const value = { a: [1, 2, { b: 'c' }], d: true };
    const out = await engine.decompress(parseRequest('decompress', { data: encode(value) }), ctx());
    expect(out.data).toEqual(value);
    expect(out.result).toEqual(value);
    const problem = await problemOf(engine.decompress(parseRequest('decompress', { data: 'a:\n  - [' + '\n}}}{{{' }), ctx()));
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('malformed_ktof');
    const body = problem.toBody('r');
    expect(body).toMatchObject({ line: expect.any(Number), column: expect.any(Number), reason: expect.any(String), request_id: 'r' });
    expect(body.detail).toBe(`Malformed KTOF at line ${body.line}, column ${body.column}: ${body.reason}`);
  });

  it('property: compress then decompress is lossless', async () => {
    const { engine } = setup();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }).filter((v) => v !== null), async (data) => {
        const ktof = (await engine.compress(parseRequest('compress', { data }), ctx())).result;
        const back = await engine.decompress(parseRequest('decompress', { data: ktof }), ctx());
        // Exactly the value, -0 included (JSON.parse keeps -0 too, so the wire carries it).
        expect(back.data).toEqual(data);
      }),
      { numRuns: 100 },
    );
  });

  it('optimize.request echoes metadata and reports detections', async () => {
    const { engine } = setup();
    const out = await engine.optimizeRequest(parseRequest('optimizeRequest', { prompt: chat, metadata: { trace: 't-1' }, token_models: ['gpt-4o'] }), ctx());
    expect(out.operation).toBe('optimize.request');
    expect(out.metadata).toEqual({ trace: 't-1' });
    expect(Array.isArray(out.meta.detections)).toBe(true);
    expect(out.meta.auto_detect_json).toBe(true);
    expect(out.token_stats['gpt-4o']!.original).toBeGreaterThan(0);
  });

  it('optimize.response: KTOF reply decoded; plain text comes back flagged, not an error', async () => {
    const { engine } = setup();
    const ok = await engine.optimizeResponse(parseRequest('optimizeResponse', { ktof: encode({ total: 39 }) }), ctx());
    expect(ok.result).toEqual({ total: 39 });
    expect(ok.meta.is_ktof).toBe(true);
  });

  it('prompts.encode stores; decode by id returns the original and merges metadata (stored wins)', async () => {
    const { engine, store } = setup();
    const enc = await engine.promptsEncode(parseRequest('promptsEncode', { prompt: chat, metadata: { user: 'u1', trace: 'a' } }), ctx());
    expect(enc.meta.payload_id).toMatch(PAYLOAD_ID_PATTERN);
    expect(enc.metadata).toEqual({ user: 'u1', trace: 'a' });
    const dec = await engine.promptsDecode(
      parseRequest('promptsDecode', { ktof: enc.meta.payload_id, metadata: { trace: 'b', extra: 1 }, replay_meta: { why: 'audit' } }),
      { tenant: 'acme', requestId: 'req-2', now: T0 + 1000 },
    );
    expect(dec.data).toEqual(chat);
    expect(dec.metadata).toMatchObject({ user: 'u1', trace: 'a', extra: 1 });
    expect((dec.metadata as any)[AUDIT_KEY]).toMatchObject({ request_id: 'req-1', created_at: new Date(T0).toISOString() });
    expect(dec.meta).toMatchObject({ source: 'payload', payload_id: enc.meta.payload_id, replay_recorded: true });
    expect(store.replays('acme', enc.meta.payload_id)).toEqual([{ at: T0 + 1000, requestId: 'req-2', replayMeta: { why: 'audit' }, metadata: { trace: 'b', extra: 1 } }]);
  });

  it('payload ids: other tenant 404; after TTL 410 while the tombstone lasts, then 404', async () => {
    const { engine } = setup(60);
    const { meta } = await engine.promptsEncode(parseRequest('promptsEncode', { prompt: { a: 1 } }), ctx());
    const decodeAt = (tenant: string, now: number) => engine.promptsDecode(parseRequest('promptsDecode', { ktof: meta.payload_id }), ctx(tenant, now));
    expect((await problemOf(decodeAt('other', T0))).status).toBe(404);
    expect((await decodeAt('acme', T0 + 59_000)).data).toEqual({ a: 1 });
    expect((await problemOf(decodeAt('acme', T0 + 60_000))).status).toBe(410);
    expect((await problemOf(decodeAt('acme', T0 + 170_000))).status).toBe(410);
    expect((await problemOf(decodeAt('acme', T0 + 181_000))).code).toBe('payload_not_found');
    expect((await problemOf(decodeAt('acme', T0 + 60_000))).status).toBe(404);
  });

  it('prompts.decode inline KTOF works, and malformed inline KTOF is a 400', async () => {
    const { engine } = setup();
    const out = await engine.promptsDecode(parseRequest('promptsDecode', { ktof: encode({ x: [1, 2] }), metadata: { m: 1 } }), ctx());
    expect(out.data).toEqual({ x: [1, 2] });
    expect(out.metadata).toEqual({ m: 1 });
    expect(out.meta.source).toBe('inline');
    expect(decode(encode('kz_not-an-id'))).toBe('kz_not-an-id');
  });
});

describe('payload ids and bytes', () => {
  it('are kz_ + 22 base64url chars (128 bits) and do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = newPayloadId();
      expect(id).toMatch(PAYLOAD_ID_PATTERN);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });

  it('property: utf8Length (native and portable) equals TextEncoder length', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      const expected = new TextEncoder().encode(s).length;
      expect(utf8Length(s)).toBe(expected);
      expect(portableUtf8Length(s)).toBe(expected);
    }), { numRuns: 300 });
  });
});

describe('strings seen before', () => {
  const encodeOptions = fc.record({ delimiter: fc.constantFrom(',', '|', '\t'), indent: fc.integer({ min: 1, max: 4 }), length_marker: fc.boolean() }, { requiredKeys: [] });
  const records = fc.array(fc.record({ id: fc.integer(), name: fc.string(), ok: fc.boolean() }), { minLength: 2, maxLength: 6 }).map((rows) => JSON.stringify(rows));
  const content = fc.tuple(fc.string(), fc.oneof(records, fc.json()), fc.string()).map(([before, json, after]) => `${before}\n${json}\n${after}`);

  it('property: an engine that encoded the same strings before answers exactly like a fresh one, whatever the options and models', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(content, { minLength: 1, maxLength: 3 }),
        fc.array(fc.option(encodeOptions, { nil: undefined }), { minLength: 2, maxLength: 3 }),
        fc.constantFrom(undefined, ['gpt-4o-mini'], ['gpt-4']),
        async (contents, optionSets, models) => {
          const warm = setup().engine;
          const prompt = { model: 'm', messages: contents.map((text) => ({ role: 'user', content: text })) };
          for (const options of optionSets) {
            const request = parseRequest('optimizeRequest', { prompt, ...(options && { options }), ...(models && { token_models: models }) });
            const expected = await setup().engine.optimizeRequest(request, ctx());
            expect(await warm.optimizeRequest(request, ctx())).toEqual(expected);
            expect(await warm.optimizeRequest(request, ctx())).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
