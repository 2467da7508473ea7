/**
 * Hostile bodies against a real server: over the size limit, invalid UTF-8, 100,000-deep
 * nesting in JSON and in KTOF, `__proto__` keys, giant declared lengths. Each gets its
 * documented error (never a 500, never a stack trace) and the server keeps serving.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, rawExchange, statusesIn } from '@kaizen/testkit';

const MAX_BODY = 2 * 1024 * 1024;
const server = new KaizenProcess({ args: ['--max-body', String(MAX_BODY), '--rate-limit', '1000000'] });
let key: string;

beforeAll(async () => {
  key = await createKey('acme', { dataDir: server.dataDir });
  await server.start();
});

afterEach(async () => {
  // Whatever the last test threw at it, the server still answers.
  const health = await fetch(server.url + '/');
  expect(health.status).toBe(200);
  await health.arrayBuffer();
});

afterAll(() => server.dispose());

function expectProblem(r: { status: number; body: any }, status: number, code: string): void {
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(status);
  expect(r.body.code).toBe(code);
  expect(typeof r.body.request_id).toBe('string');
  expect(JSON.stringify(r.body)).not.toMatch(/\n\s+at |node_modules|\.js:\d+/);
}

const DEPTH = 100_000;
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);

describe('size limits', () => {
  it('answers 413 to a declared body over --max-body, before reading it', async () => {
    const r = await postJson(server.url, '/v1/compress', { data: 'x'.repeat(MAX_BODY) }, key);
    expectProblem(r, 413, 'payload_too_large');
  });

  it('answers 413 to a chunked body that grows past the limit', async () => {
    const chunk = 'x'.repeat(512 * 1024);
    const parts = ['{"data":"', ...Array(6).fill(chunk), '"}'];
    const head = `POST /v1/compress HTTP/1.1\r\nHost: x\r\nx-api-key: ${key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const body = parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n';
    const { text } = await rawExchange(server.port, head + body);
    expect(statusesIn(text)[0]).toBe(413);
  });

  it('answers 413 to a giant declared Content-Length without waiting for the bytes', async () => {
    // A server waiting for the bytes would hold the connection until this side gives up (20 s);
    // an answer before reading them comes in milliseconds, or seconds on a loaded machine.
    const { text, ms } = await rawExchange(server.port, `POST /v1/compress HTTP/1.1\r\nHost: x\r\nx-api-key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n{`, 20_000);
    expect(statusesIn(text)).toEqual([413]);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('malformed bodies', () => {
  it('answers 400 malformed_json to invalid UTF-8', async () => {
    for (const bytes of [[0xff, 0xfe], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const body = Buffer.concat([Buffer.from('{"data":"'), Buffer.from(bytes), Buffer.from('"}')]);
      const response = await fetch(server.url + '/v1/compress', { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body });
      expectProblem({ status: response.status, body: await response.json() }, 400, 'malformed_json');
    }
  });

  it('answers 400 to JSON nested 100,000 deep, on every POST route', async () => {
    const bodies: [string, string][] = [
      ['/v1/compress', `{"data":${deepArray}}`],
      ['/v1/optimize', `{"data":${deepObject},"token_models":["gpt-4o-mini"]}`],
      ['/v1/decompress', `{"data":"a: 1","options":${deepObject}}`],
      ['/v1/optimize/request', `{"prompt":${deepArray}}`],
      ['/v1/optimize/response', `{"ktof":"a: 1","options":${deepArray}}`],
      ['/v1/prompts/encode', `{"prompt":"hi","metadata":${deepObject}}`],
      ['/v1/prompts/decode', `{"ktof":"a: 1","replay_meta":${deepObject}}`],
    ];
    for (const [path, body] of bodies) {
      const r = await postJson(server.url, path, body, key);
      expect(r.status, path).toBe(400);
      expect(['invalid_payload', 'malformed_json'], path).toContain(r.body.code);
    }
  });

  it('leaves JSON nested 100,000 deep inside a chat message as text instead of failing', async () => {
    const prompt = { messages: [{ role: 'user', content: deepObject }] };
    const r = await postJson(server.url, '/v1/optimize/request', { prompt }, key);
    expect(r.status).toBe(200);
  });

  it('answers 400 malformed_ktof to KTOF nested 100,000 deep', async () => {
    for (const [path, field] of [['/v1/decompress', 'data'], ['/v1/prompts/decode', 'ktof'], ['/v1/optimize/response', 'ktof']] as const) {
      for (const text of [deepArray, `key: ${deepArray}`, `key: ${deepObject}`]) {
        const r = await postJson(server.url, path, { [field]: text }, key);
        if (path === '/v1/optimize/response' && r.status === 200) continue; // a reply that is not KTOF comes back as text
        expectProblem(r, 400, 'malformed_ktof');
      }
    }
  });

  it('answers 400 malformed_ktof, at once, to giant declared lengths', async () => {
    for (const text of ['items[999999999]: 1,2,3', 'items[999999999]{a,b}:\n  1,2', '[999999999]:\n  - 1', 'x[99999999999999999999999999]: 1', '[4294967296]: a,b']) {
      const started = Date.now();
      const r = await postJson(server.url, '/v1/decompress', { data: text }, key);
      expectProblem(r, 400, 'malformed_ktof');
      expect(r.body).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });
});

describe('__proto__ and friends', () => {
  it('rejects them as unknown fields at the top level of a request (422)', async () => {
    for (const body of ['{"data":1,"__proto__":{"polluted":true}}', '{"data":1,"constructor":{"prototype":{"polluted":true}}}']) {
      const r = await postJson(server.url, '/v1/compress', body, key);
      expectProblem(r, 422, 'validation_error');
      expect(r.body.detail[0].type).toBe('extra_forbidden');
    }
  });

  it('carries them as plain data inside payloads, without polluting anything', async () => {
    const data = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1}';
    const compressed = await postJson(server.url, '/v1/compress', `{"data":${data}}`, key);
    expect(compressed.status).toBe(200);
    const restored = await postJson(server.url, '/v1/decompress', { data: compressed.body.result }, key);
    expect(restored.status).toBe(200);
    expect(JSON.stringify(restored.body.result)).toBe(data);
    // A fresh object on the server has no inherited "polluted".
    const plain = await postJson(server.url, '/v1/compress', { data: {} }, key);
    expect(JSON.stringify(plain.body)).not.toContain('polluted');
    const stored = await postJson(server.url, '/v1/prompts/encode', `{"prompt":"hi","metadata":${data}}`, key);
    expect(stored.status).toBe(200);
    const replay = await postJson(server.url, '/v1/prompts/decode', `{"ktof":"${stored.body.meta.payload_id}","metadata":${data}}`, key);
    expect(replay.status).toBe(200);
    // Metadata keeps its ordinary keys; "__proto__" is data or dropped, never a prototype.
    for (const metadata of [stored.body.metadata, replay.body.metadata]) {
      expect(metadata.ok).toBe(1);
      expect(metadata.polluted).toBeUndefined();
    }
  });
});
