/**
 * The original Kaizen documentation as a contract: for each code example and response example of
 * the original SDK docs (client configuration, every method page, the API methods table, the
 * error reference, the quick start, the recipes and the Python example scripts), the same request
 * is sent over real HTTP to our server the way the original Python client sends it
 * (`Authorization: Bearer`, JSON bodies, default headers), and the documented response shape and
 * values are checked. The requests are restated here in our own words; nothing is read from the
 * original docs at test time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { answerOf, removeTempDirs, startTestServer, type TestServer } from '../helpers.js';

let server: TestServer;

/** What the original client does for every method: POST JSON with a bearer key and its default headers. */
async function original(path: string, body?: unknown, headers: Record<string, string> = {}, key: string | null = server.key) {
  const init: RequestInit = {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(key !== null && { authorization: `Bearer ${key}` }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  };
  return answerOf(await fetch(server.url + path, init));
}
/** The client raises on any non-2xx; every documented success is a 200 with this envelope head. */
async function ok(path: string, body: unknown, operation: string) {
  const answer = await original(path, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body).toMatchObject({ operation, status: 'ok' });
  return answer.body;
}
const compress = (body: unknown) => ok('/v1/compress', body, 'compress');
const decompress = (body: unknown) => ok('/v1/decompress', body, 'decompress');
const optimize = (body: unknown) => ok('/v1/optimize', body, 'optimize');
const optimizeRequest = (body: unknown) => ok('/v1/optimize/request', body, 'optimize.request');
const optimizeResponse = (body: unknown) => ok('/v1/optimize/response', body, 'optimize.response');
const promptsEncode = (body: unknown) => ok('/v1/prompts/encode', body, 'prompts.encode');
const promptsDecode = (body: unknown) => ok('/v1/prompts/decode', body, 'prompts.decode');

/** `stats` as every page shows it: byte counts and their ratio. */
function expectStats(stats: any) {
  expect(Number.isInteger(stats.original_bytes)).toBe(true);
  expect(Number.isInteger(stats.compressed_bytes)).toBe(true);
  expect(typeof stats.reduction_ratio).toBe('number');
  expect(stats.reduction_ratio).toBeCloseTo(stats.compressed_bytes / stats.original_bytes, 3);
}
/** One `token_stats` entry: integer counts before and after. */
function expectTokenCount(entry: any) {
  expect(Number.isInteger(entry.original)).toBe(true);
  expect(Number.isInteger(entry.compressed)).toBe(true);
}
/** Exact equality: values, key order and every string byte. */
const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.server.close();
  removeTempDirs();
});

describe('client configuration page', () => {
  it('a bearer key and a default X-Request-ID header reach the server; health answers with status', async () => {
    const answer = await original('/', undefined, { 'x-request-id': 'docs-demo' });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ok');
    expect(answer.headers.get('x-request-id')).toBe('docs-demo');
  });
});

describe('method pages', () => {
  it('health: operation, status and uptime', async () => {
    const answer = await original('/');
    expect(answer.body).toMatchObject({ operation: 'health', status: 'ok' });
    expect(typeof answer.body.uptime).toBe('number');
  });

  it('compress: a chat-like document with options.indent gives a KTOF string, byte stats, and its metadata echoed', async () => {
    const data = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Give me the metrics of the quarter.' },
      ],
      metadata: { source: 'contract-test' },
    };
    const body = await compress({ data, options: { indent: 2 } });
    expect(typeof body.result).toBe('string');
    expect(body.result.slice(0, 80).length).toBeGreaterThan(0);
    expectStats(body.stats);
    expect(body.metadata).toEqual({ source: 'contract-test' });
  });

  it('decompress: what compress returned comes back under data', async () => {
    const encoded = await compress({ data: { foo: 'bar' } });
    const decoded = await decompress({ data: encoded.result });
    expect(decoded.data.foo).toBe('bar');
    expect(decoded.result).toEqual({ foo: 'bar' });
  });

  it('decompress: options.strict=false and options.indent are accepted', async () => {
    const encoded = await compress({ data: { list: [1, 2, 3] } });
    const decoded = await decompress({ data: encoded.result, options: { strict: false, indent: 2 } });
    expect(decoded.data).toEqual({ list: [1, 2, 3] });
  });

  it('decompress: data may be what compress, optimize or prompts_encode returned; each gives the JSON sent back', async () => {
    const data = { foo: 'bar', rows: [{ id: 1, note: '{"a":1}' }, { id: 2, note: null }], $json: { literal: true } };
    same((await decompress({ data: (await compress({ data })).result })).data, data);
    same((await decompress({ data: (await optimize({ data, token_models: ['gpt-4o-mini'] })).result })).data, data);
    const prompt = { messages: [{ role: 'tool', content: JSON.stringify({ rows: data.rows }, null, 2) }] };
    const encoded = await promptsEncode({ prompt });
    same((await decompress({ data: encoded.result })).data, prompt);
  });

  it('decompress: a payload_id instead of inline data gives the stored prompt back', async () => {
    const prompt = { messages: [{ role: 'user', content: 'Stored for later' }] };
    const encoded = await promptsEncode({ prompt });
    const decoded = await decompress({ data: encoded.meta.payload_id });
    same(decoded.data, prompt);
    same(decoded.result, prompt);
  });

  it('decompress errors: 400 for data that is not valid KTOF, 410 for a payload_id past its retention', async () => {
    const malformed = await original('/v1/decompress', { data: 'a:\n  b: [\n}}{{' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'malformed_ktof', line: expect.any(Number), column: expect.any(Number) });
    // Missing `data` fails validation, answered in the FastAPI shape the error reference documents (422).
    const missing = await original('/v1/decompress', {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(['body', 'data']);
    let now = Date.now();
    const short = await startTestServer({ payloadTtlSeconds: 60, now: () => now });
    try {
      const call = (path: string, body: unknown) =>
        fetch(short.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${short.key}` }, body: JSON.stringify(body) }).then(answerOf);
      const encoded = await call('/v1/prompts/encode', { prompt: { messages: [{ role: 'user', content: 'x' }] } });
      now += 61_000;
      const expired = await call('/v1/decompress', { data: encoded.body.meta.payload_id });
      expect(expired.status).toBe(410);
      expect(expired.body).toMatchObject({ code: 'payload_expired' });
    } finally {
      await short.server.close();
    }
  });

  it('optimize: byte stats plus token counts for each model asked for', async () => {
    const body = await optimize({
      data: { messages: [{ role: 'user', content: 'Check this JSON document' }], metadata: { team: 'platform' } },
      token_models: ['gpt-4o-mini', 'claude-3-5-sonnet-20240620'],
    });
    expectStats(body.stats);
    expectTokenCount(body.token_stats['gpt-4o-mini']);
    expectTokenCount(body.token_stats['claude-3-5-sonnet-20240620']);
    expect(typeof body.result).toBe('string');
  });

  it('optimize_request: a provider payload with tools gives ONE KTOF string, stats and token stats; it decodes back', async () => {
    const prompt = {
      messages: [
        { role: 'system', content: 'Be exact.' },
        { role: 'user', content: 'Summarise the invoice below', metadata: { invoice_id: 'inv_7' } },
      ],
      tools: [{ name: 'format_json', definition: { type: 'object', properties: { total: { type: 'number' } } } }],
    };
    const body = await optimizeRequest({ prompt, token_models: ['gpt-4o-mini'] });
    expect(typeof body.result).toBe('string');
    expectStats(body.stats);
    expectTokenCount(body.token_stats['gpt-4o-mini']);
    same((await promptsDecode({ ktof: body.result })).result, prompt);
    // Our addition: the same request in the vendor's shape.
    expect(body.prompt).toMatchObject({ messages: [{ role: 'system' }, { role: 'user' }] });
  });

  it('optimize_response: a provider reply written in KTOF decodes to its JSON', async () => {
    const reply = { messages: [{ role: 'assistant', content: 'The decoded reply.' }], metadata: { source: 'responses-api' } };
    const written = (await compress({ data: reply })).result;
    const body = await optimizeResponse({ ktof: written });
    same(body.result, reply);
  });

  it('optimize_response: the result of optimize_request (sent as input) decodes to the prompt', async () => {
    const prompt = { messages: [{ role: 'user', content: 'Plan the release.' }] };
    const request = await optimizeRequest({ prompt });
    same((await optimizeResponse({ ktof: request.result })).result, prompt);
  });

  it('prompts_decode: an encoded result decodes inline, with metadata attached', async () => {
    const encoded = await promptsEncode({ prompt: { messages: [{ role: 'user', content: 'Hi' }] } });
    const decoded = await promptsDecode({ ktof: encoded.result, metadata: { decoded_by: 'contract-test' } });
    expect(decoded.result.messages[0].content).toBe('Hi');
    expect(decoded.metadata).toEqual({ decoded_by: 'contract-test' });
  });

  it("prompts_encode: a chat prompt with its own metadata gives a KTOF string, stats, token stats and the prompt's metadata", async () => {
    const prompt = {
      messages: [
        { role: 'system', content: 'You shorten things' },
        { role: 'user', content: 'Summarise this JSON', metadata: { doc_id: 'd-1' } },
      ],
      metadata: { workflow: 'triage' },
    };
    const body = await promptsEncode({ prompt, token_models: ['gpt-4o-mini'] });
    expect(typeof body.result).toBe('string');
    expectStats(body.stats);
    expectTokenCount(body.token_stats['gpt-4o-mini']);
    expect(body.metadata).toEqual({ workflow: 'triage' });
    same((await promptsDecode({ ktof: body.result })).result, prompt);
  });

  it('prompts_decode: decoding by payload id returns the prompt and merges metadata; replay_meta is accepted', async () => {
    const prompt = { messages: [{ role: 'user', content: 'Keep me' }] };
    const encoded = await promptsEncode({ prompt, metadata: { customer: 'c-9' } });
    const decoded = await promptsDecode({ ktof: encoded.meta.payload_id, metadata: { replayed_by: 'audit' }, replay_meta: { reason: 'check' } });
    same(decoded.result, prompt);
    expect(decoded.metadata).toMatchObject({ customer: 'c-9', replayed_by: 'audit' });
  });
});

describe('API methods table', () => {
  it('each method answers with the fields the table highlights', async () => {
    const prompt = { messages: [{ role: 'user', content: 'Hello there' }] };
    expect(await compress({ data: prompt })).toHaveProperty('stats');
    const packed = await compress({ data: prompt });
    expect(await decompress({ data: packed.result })).toHaveProperty('data');
    const optimized = await optimize({ data: prompt, token_models: ['gpt-4o-mini'] });
    expect(optimized).toHaveProperty('token_stats');
    expect(await optimizeRequest({ prompt })).toHaveProperty('result');
    expect(await optimizeResponse({ ktof: packed.result })).toHaveProperty('result');
    const encoded = await promptsEncode({ prompt });
    expect(encoded).toHaveProperty('stats');
    const decoded = await promptsDecode({ ktof: encoded.result, replay_meta: { reason: 'table' } });
    expect(decoded).toHaveProperty('metadata');
    expect(decoded.replay_meta).toEqual({ reason: 'table' });
    expect((await original('/')).body).toHaveProperty('uptime');
  });
});

describe('quick start', () => {
  it('encode -> decode round trip prints the reduction and the decoded message', async () => {
    const encoded = await promptsEncode({ prompt: { messages: [{ role: 'user', content: 'Compress me' }] }, token_models: ['gpt-4o-mini'] });
    const decoded = await promptsDecode({ ktof: encoded.result });
    expect(typeof encoded.stats.reduction_ratio).toBe('number');
    expect(decoded.result.messages[0].content).toBe('Compress me');
  });
});

describe('recipes', () => {
  it('web route: encode the body as the prompt, forward result, decode it back', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Rows: [{"id":1,"ok":true},{"id":2,"ok":false},{"id":3,"ok":true}]' }] };
    const encoded = await promptsEncode({ prompt: body });
    expect(typeof encoded.result).toBe('string');
    same((await promptsDecode({ ktof: encoded.result })).result, body);
  });

  it('background job: optimize_request gives stats to record', async () => {
    const out = await optimizeRequest({ prompt: { messages: [{ role: 'user', content: 'Job 7' }] } });
    expectStats(out.stats);
  });

  it('wrapper function: prompts_encode of messages returns result and stats', async () => {
    const out = await promptsEncode({ prompt: { messages: [{ role: 'user', content: 'wrapped' }] }, token_models: ['gpt-4o-mini'] });
    expect(typeof out.result).toBe('string');
    expectStats(out.stats);
  });

  it('debugging: the raw ktof string decodes the same when decoded again later', async () => {
    const prompt = { messages: [{ role: 'tool', content: JSON.stringify({ incident: 42, hosts: ['a', 'b'] }, null, 2) }] };
    const encoded = await promptsEncode({ prompt, token_models: ['gpt-4o-mini'], metadata: { incident: 'INC-1' } });
    expect(encoded.token_stats['gpt-4o-mini']).toBeDefined();
    same((await promptsDecode({ ktof: encoded.result })).result, prompt);
    same((await promptsDecode({ ktof: encoded.result })).result, prompt);
  });
});

describe('Python example scripts', () => {
  it('full lifecycle: encode, decode, optimize request/response, compress/decompress, health', async () => {
    const prompt = {
      messages: [
        { role: 'system', content: 'You write technical notes.' },
        { role: 'user', content: 'How much would this prompt save?' },
      ],
      metadata: { source: 'lifecycle' },
    };
    const encoded = await promptsEncode({ prompt, token_models: ['gpt-4o-mini'], metadata: { example: 'lifecycle' } });
    expect(typeof encoded.result).toBe('string');
    expectStats(encoded.stats);
    expectTokenCount(encoded.token_stats['gpt-4o-mini']);
    expect(encoded.metadata).toEqual({ example: 'lifecycle' });

    same((await promptsDecode({ ktof: encoded.result })).result, prompt);
    expectStats((await optimizeRequest({ prompt, token_models: ['gpt-4o-mini'] })).stats);
    same((await optimizeResponse({ ktof: encoded.result })).result, prompt);

    const generic = await compress({ data: prompt });
    expectStats(generic.stats);
    same((await decompress({ data: generic.result })).data, prompt);
    expect((await original('/')).body.status).toBe('ok');
  });

  it('cost comparison: token_stats for the model, and result is text a local tokenizer counts the same', async () => {
    const prompt = { messages: [{ role: 'user', content: 'Put the quarterly metrics in a table.' }], metadata: { source: 'cost' } };
    const encoded = await promptsEncode({ prompt, token_models: ['gpt-4o'] });
    expectStats(encoded.stats);
    expect(encoded.token_stats['gpt-4o'].compressed).toBe(countTokens(encoded.result));
    expect(encoded.token_stats['gpt-4o'].original).toBe(countTokens(JSON.stringify(prompt)));
  });

  it('provider wrappers (OpenAI, Anthropic, Gemini): encode the messages, send result, decode the prose reply', async () => {
    for (const messages of [
      [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Three benefits, please.' }],
      [{ role: 'user', content: 'A release note in three bullets.' }],
    ]) {
      const encoded = await promptsEncode({ prompt: { messages } });
      expect(typeof encoded.result).toBe('string');
      expectStats(encoded.stats);
      const reply = '- Fewer tokens\n- Same data\n- Lossless';
      const decoded = await optimizeResponse({ ktof: reply });
      expect(decoded.result).toBe(reply);
      expect(decoded.meta.is_ktof).toBe(false);
    }
  });
});

describe('error reference', () => {
  const expectError = (answer: { status: number; body: any; headers: Headers }, status: number, code: string) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body).toMatchObject({ code });
    expect(answer.body).toHaveProperty('detail');
    expect(answer.body.request_id).toBe(answer.headers.get('x-request-id'));
  };

  it('a prompt with no messages is refused; with a message it is accepted', async () => {
    expectError(await original('/v1/prompts/encode', { prompt: {} }), 400, 'invalid_payload');
    expect((await original('/v1/prompts/encode', { prompt: { messages: [{ role: 'user', content: 'Hello' }] } })).status).toBe(200);
    expectError(await original('/v1/optimize/request', { prompt: {} }), 400, 'invalid_payload');
  });

  it('an empty ktof string is refused', async () => {
    expectError(await original('/v1/prompts/decode', { ktof: '' }), 400, 'invalid_payload');
    expectError(await original('/v1/optimize/response', { ktof: '' }), 400, 'invalid_payload');
  });

  it('token_models as a string is refused; as a list it is accepted', async () => {
    const answer = await original('/v1/optimize', { data: { a: 1 }, token_models: 'gpt-4o' });
    expectError(answer, 422, 'validation_error');
    expect(answer.body.detail[0].loc).toEqual(['body', 'token_models']);
    expect((await original('/v1/optimize', { data: { a: 1 }, token_models: ['gpt-4o'] })).status).toBe(200);
  });

  it('metadata as a string is refused; as an object it is accepted', async () => {
    const prompt = { messages: [{ role: 'user', content: 'x' }] };
    const answer = await original('/v1/prompts/encode', { prompt, metadata: 'trace-1' });
    expectError(answer, 422, 'validation_error');
    expect(answer.body.detail[0].loc).toEqual(['body', 'metadata']);
    expect((await original('/v1/prompts/encode', { prompt, metadata: { trace_id: 'trace-1' } })).status).toBe(200);
  });

  it('401 without a key or with a wrong one; 403 with a revoked one', async () => {
    expectError(await original('/v1/compress', { data: 1 }, {}, null), 401, 'missing_api_key');
    expectError(await original('/v1/compress', { data: 1 }, {}, 'kzk_not-a-real-key-0000000000000000'), 401, 'invalid_api_key');
    const { key } = await server.server.backends.keys.create('acme');
    await server.server.backends.keys.revoke(key);
    expectError(await original('/v1/compress', { data: 1 }, {}, key), 403, 'key_revoked');
  });

  it('404 for a mistyped route and for a stale or mistyped payload id', async () => {
    expectError(await original('/v1/promt/encode', { prompt: { messages: [] } }), 404, 'not_found');
    const unknown = await original('/v1/prompts/decode', { ktof: 'kz_' + 'Q'.repeat(22) });
    expectError(unknown, 404, 'payload_not_found');
    const short = await original('/v1/prompts/decode', { ktof: 'kz_' + 'Q'.repeat(21) });
    expectError(short, 404, 'payload_not_found');
    expect(short.body.detail).toMatch(/25 characters/);
    expectError(await original('/v1/optimize/response', { ktof: 'KZ_abc' }), 404, 'payload_not_found');
  });

  it('429 with Retry-After past the rate limit; 413 past the body limit; 410 past the retention window', async () => {
    let now = Date.now();
    const small = await startTestServer({ rateLimitPerMinute: 3, maxBodyBytes: 2048, payloadTtlSeconds: 60, now: () => now });
    try {
      const call = (path: string, body: unknown) =>
        fetch(small.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${small.key}` }, body: JSON.stringify(body) }).then(answerOf);
      const encoded = await call('/v1/prompts/encode', { prompt: { messages: [{ role: 'user', content: 'x' }] } });
      expect(encoded.status).toBe(200);
      expectError(await call('/v1/compress', { data: 'y'.repeat(4096) }), 413, 'payload_too_large');
      now += 61_000;
      expectError(await call('/v1/prompts/decode', { ktof: encoded.body.meta.payload_id }), 410, 'payload_expired');
      let limited;
      for (let i = 0; i < 5 && !limited; i++) {
        const answer = await call('/v1/compress', { data: i });
        if (answer.status === 429) limited = answer;
      }
      expect(limited).toBeDefined();
      expectError(limited!, 429, 'rate_limited');
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await small.server.close();
    }
  });
});
