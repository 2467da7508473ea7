/**
 * The served OpenAPI document tells the truth: every route's real answer (over HTTP, from a real
 * server) validates against the success schema that /openapi.json declares for that route, and
 * every error answer against the declared error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { removeTempDirs, startTestServer, chatPrompt, type TestServer } from './helpers.js';

let server: TestServer;
let doc: any;
let ajv: InstanceType<typeof Ajv2020>;

beforeAll(async () => {
  server = await startTestServer();
  doc = (await server.call('/openapi.json', undefined, { key: null })).body;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  // The document's components, addressable the way its $refs point at them.
  ajv.addSchema({ $id: 'kaizen', components: doc.components }, 'kaizen');
});
afterAll(async () => {
  await server.server.close();
  removeTempDirs();
});

/** The schema /openapi.json declares for `path`'s `status` answer. */
function declared(path: string, method: string, status: string) {
  const response = doc.paths[path]?.[method]?.responses?.[status];
  expect(response, `${method.toUpperCase()} ${path} declares ${status}`).toBeDefined();
  const ref: string = response.content['application/json'].schema.$ref;
  return ajv.getSchema(`kaizen${ref}`)!;
}

function expectValid(path: string, method: string, answer: { status: number; body: unknown }) {
  const validate = declared(path, method, String(answer.status));
  const valid = validate(answer.body);
  expect(valid, `${path} ${answer.status}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(answer.body).slice(0, 400)}`).toBe(true);
}

describe('GET /openapi.json matches what each route answers', () => {
  it('every route is covered below', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/', '/v1/compress', '/v1/decompress', '/v1/optimize', '/v1/optimize/request', '/v1/optimize/response', '/v1/prompts/decode', '/v1/prompts/encode']);
  });

  it('health: no result field, and the schema does not require one', async () => {
    const answer = await server.call('/', undefined, { key: null });
    expect(answer.body).not.toHaveProperty('result');
    expectValid('/', 'get', answer);
  });

  it('compress, optimize, decompress (data and result)', async () => {
    const compress = await server.call('/v1/compress', { data: { users: [{ id: 1 }, { id: 2 }] } });
    expectValid('/v1/compress', 'post', compress);
    expectValid('/v1/optimize', 'post', await server.call('/v1/optimize', { data: { a: [1, 2] }, token_models: ['gpt-4o', 'claude-3-5-sonnet'] }));
    const decompress = await server.call('/v1/decompress', { data: compress.body.result });
    expect(decompress.body.data).toEqual({ users: [{ id: 1 }, { id: 2 }] });
    expectValid('/v1/decompress', 'post', decompress);
  });

  it('optimize.request and prompts.encode: result is a string, prompt keeps the shape', async () => {
    for (const path of ['/v1/optimize/request', '/v1/prompts/encode']) {
      const answer = await server.call(path, { prompt: chatPrompt, token_models: ['gpt-4o'], metadata: { t: 1 } });
      expect(typeof answer.body.result).toBe('string');
      expect(answer.body.prompt.messages).toHaveLength(2);
      expectValid(path, 'post', answer);
      // A schema that wrongly typed result (as before) must not pass.
      expect(declared(path, 'post', '200')({ ...answer.body, result: chatPrompt })).toBe(false);
    }
  });

  it('a request large enough for the compute worker answers the same shape, and decodes back', async () => {
    const rows = Array.from({ length: 900 }, (_, i) => ({ id: i, sku: `SKU-${i}`, note: 'x'.repeat(40) }));
    const prompt = { messages: [{ role: 'tool', content: JSON.stringify({ rows }, null, 2) }] };
    expect(JSON.stringify(prompt).length).toBeGreaterThan(64 * 1024);
    const answer = await server.call('/v1/optimize/request', { prompt, token_models: ['gpt-4o'] });
    expectValid('/v1/optimize/request', 'post', answer);
    expect(answer.body.result).toContain('$json2');
    const back = await server.call('/v1/prompts/decode', { ktof: answer.body.result });
    expect(JSON.stringify(back.body.result)).toBe(JSON.stringify(prompt));
  });

  it('optimize.response and prompts.decode (inline, by id, and a prose reply)', async () => {
    const encoded = await server.call('/v1/prompts/encode', { prompt: chatPrompt });
    expectValid('/v1/prompts/decode', 'post', await server.call('/v1/prompts/decode', { ktof: encoded.body.result }));
    expectValid('/v1/prompts/decode', 'post', await server.call('/v1/prompts/decode', { ktof: encoded.body.meta.payload_id }));
    expectValid('/v1/optimize/response', 'post', await server.call('/v1/optimize/response', { ktof: encoded.body.result }));
    expectValid('/v1/optimize/response', 'post', await server.call('/v1/optimize/response', { ktof: 'Plain prose.' }));
    expectValid('/v1/optimize/response', 'post', await server.call('/v1/optimize/response', { ktof: encoded.body.meta.payload_id }));
  });

  it('decompress of a prompts.encode result and of its payload id', async () => {
    const encoded = await server.call('/v1/prompts/encode', { prompt: chatPrompt });
    const inline = await server.call('/v1/decompress', { data: encoded.body.result });
    expect(inline.body.meta.source).toBe('inline');
    expectValid('/v1/decompress', 'post', inline);
    const byId = await server.call('/v1/decompress', { data: encoded.body.meta.payload_id });
    expect(byId.body.meta).toMatchObject({ source: 'payload', payload_id: encoded.body.meta.payload_id });
    expectValid('/v1/decompress', 'post', byId);
    // A meta without its source must not pass.
    expect(declared('/v1/decompress', 'post', '200')({ ...byId.body, meta: { format: 'ktof', version: '1' } })).toBe(false);
  });

  it('errors: each status a route answers is declared with its body', async () => {
    expectValid('/v1/prompts/decode', 'post', await server.call('/v1/prompts/decode', { ktof: 'kz_nope' }));
    expectValid('/v1/optimize/response', 'post', await server.call('/v1/optimize/response', { ktof: 'kz_nope' }));
    expectValid('/v1/decompress', 'post', await server.call('/v1/decompress', { data: 'a: [' }));
    expectValid('/v1/decompress', 'post', await server.call('/v1/decompress', { data: 'kz_nope' }));
    expectValid('/v1/compress', 'post', await server.call('/v1/compress', { data: 1 }, { key: null }));
    expectValid('/v1/optimize', 'post', await server.call('/v1/optimize', { data: 1, token_models: 'gpt-4o' }));
  });
});
