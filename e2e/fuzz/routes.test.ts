/**
 * Fuzzes the request parsing of every route against a real server for a few seconds: random
 * JSON, bodies built from each route's own field names with random values, broken bytes and
 * odd content types. Every answer must be a documented status with a JSON error body (never a
 * 500), and the server must still be healthy afterwards.
 */
import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '@kaizen/protocol';
import { createKey, KaizenProcess, postJson } from '@kaizen/testkit';
import { fuzz } from '../../packages/server/test/fuzz/fuzz.js';

const server = new KaizenProcess({ args: ['--rate-limit', '1000000', '--max-body', '65536'] });
let key: string;
let pool: Pool;
let storedId: string;

/** What a POST route may answer (429 is out of reach with this rate limit). */
const DOCUMENTED = new Set([200, 400, 404, 410, 413, 415, 422]);

const POST_ROUTES = Object.values(ROUTES).filter((route) => route.method === 'POST');
const FIELDS = ['data', 'options', 'token_models', 'prompt', 'auto_detect_json', 'metadata', 'schemas', 'ktof', 'replay_meta'];

beforeAll(async () => {
  key = await createKey('fuzz', { dataDir: server.dataDir });
  await server.start();
  pool = new Pool(server.url, { connections: 4 });
  storedId = (await postJson(server.url, '/v1/prompts/encode', { prompt: { messages: [{ role: 'user', content: '{"a":[1,2]}' }] } }, key)).body.meta.payload_id;
});

afterAll(async () => {
  await pool?.close();
  await server.dispose();
});

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', 'kz_', 'kz_' + 'A'.repeat(22), 'a: 1', 'items[2]{a,b}:\n  1,2\n  3,4', '[999999999]:', ['gpt-4o-mini'], ['nope'], { indent: 0 }, { delimiter: '||' }, { strict: 'yes' }, -1, 1e308),
);

/** Objects made of real field names (valid and wrong types), plus unknown fields now and then. */
const routeShapedBody = fc
  .dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.constantFrom('__proto__', 'constructor', 'extra', '')), anyValue, { maxKeys: 5 })
  .map((body) => JSON.stringify(body));

const rawBody = fc.oneof(
  routeShapedBody,
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  routeShapedBody.map((text) => text.slice(0, Math.max(1, text.length - 3))),
);

/** A body each route accepts, so the fuzz always reaches the success path too. */
function validBodyFor(path: string, value: unknown): unknown {
  switch (path) {
    case '/v1/decompress':
      return { data: 'a: 1' };
    case '/v1/optimize/response':
    case '/v1/prompts/decode':
      return { ktof: 'a: 1' };
    case '/v1/optimize/request':
    case '/v1/prompts/encode':
      return { prompt: value };
    case '/v1/optimize':
      return { data: value, token_models: ['gpt-4o-mini'] };
    default:
      return { data: value };
  }
}
const validValue = fc.jsonValue({ maxDepth: 3 }).filter((value) => value !== null).map((value) => ({ valid: value }));

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', '');

describe('route request parsing fuzz', () => {
  it('answers every random request with a documented status and a JSON error body', async () => {
    const seen = new Map<number, number>();
    const body = fc.oneof({ weight: 4, arbitrary: rawBody }, { weight: 1, arbitrary: validValue });
    const property = fc.asyncProperty(fc.constantFrom(...POST_ROUTES), body, contentType, fc.boolean(), async (route, raw, type, withStoredId) => {
      const valid = typeof raw !== 'string';
      const json = valid ? JSON.stringify(validBodyFor(route.path, raw.valid)) : raw;
      const text = withStoredId ? json.replace(/kz_A{22}/g, storedId) : json;
      const headers: Record<string, string> = { 'x-api-key': key };
      if (valid) headers['content-type'] = 'application/json';
      else if (type) headers['content-type'] = type;
      const response = await pool.request({ method: 'POST', path: route.path, headers, body: Buffer.from(text, valid ? 'utf8' : 'latin1') });
      const answer = await response.body.text();
      seen.set(response.statusCode, (seen.get(response.statusCode) ?? 0) + 1);
      if (!DOCUMENTED.has(response.statusCode)) throw new Error(`${route.path} answered ${response.statusCode} to ${JSON.stringify(text)}: ${answer.slice(0, 300)}`);
      const parsed = JSON.parse(answer) as { code?: string; request_id?: string; status?: string };
      if (response.statusCode === 200) expect(parsed.status).toBe('ok');
      else {
        expect(typeof parsed.code).toBe('string');
        expect(typeof parsed.request_id).toBe('string');
      }
    });
    const runs = await fuzz('route parsing', property, 4_000, 100);
    expect(runs).toBeGreaterThanOrEqual(100);
    // The fuzz reached both sides: some requests were accepted, some refused.
    expect(seen.get(200) ?? 0).toBeGreaterThan(0);
    expect([...seen.keys()].some((status) => status >= 400)).toBe(true);
  });

  it('answers random methods and paths with a documented status (never 500)', async () => {
    const segment = fc.oneof(fc.constantFrom('v1', 'compress', 'prompts', 'decode', 'encode', 'optimize', 'request', 'response', 'openapi.json', 'metrics', 'playground', '..', '%2e%2e', '%00', ''), fc.webSegment());
    const property = fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      fc.option(fc.webQueryParameters(), { nil: undefined }),
      async (method, segments, query) => {
        const path = '/' + segments.join('/') + (query ? `?${query}` : '');
        const response = await pool.request({ method: method as 'GET', path, headers: { 'x-api-key': key } });
        await response.body.text();
        // The one redirect the server makes: /playground -> /playground/ (the page's relative assets need the slash).
        // Compared after URL normalisation, as the server sees it: /%2e%2e/playground is /playground.
        const playgroundRedirect = response.statusCode === 308 && new URL(path, 'http://x').pathname === '/playground';
        if (!playgroundRedirect && ![200, 204, 400, 401, 404, 405, 413, 415, 422].includes(response.statusCode)) throw new Error(`${method} ${path} answered ${response.statusCode}`);
      },
    );
    expect(await fuzz('methods and paths', property, 1_500, 50)).toBeGreaterThanOrEqual(50);
  });

  it('is still healthy afterwards', async () => {
    expect((await fetch(server.url + '/')).status).toBe(200);
    expect((await postJson(server.url, '/v1/compress', { data: { a: [1, 2] } }, key)).status).toBe(200);
    expect(server.output).not.toMatch(/"level":"?(error|fatal|50|60)"?/);
  });
});
