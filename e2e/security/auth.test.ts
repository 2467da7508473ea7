/**
 * Who gets in, against a real `kaizen serve` process: no key, a wrong key, a revoked key,
 * another tenant's key, odd header casings, duplicated and conflicting auth headers. And the
 * captured logs never contain an API key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, rawExchange, revokeKey, statusesIn } from '@kaizen/testkit';
import { samplePrompt } from '../helpers.js';

const server = new KaizenProcess();
let acme: string;
let globex: string;
let revoked: string;
const body = '{"data":{"a":1}}';

/** A raw POST /v1/compress with exactly these header lines (casing and duplicates kept). */
function rawPost(headerLines: string[]): string {
  return [`POST /v1/compress HTTP/1.1`, 'Host: x', ...headerLines, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close', '', body].join('\r\n');
}

async function status(headerLines: string[]): Promise<number | undefined> {
  return statusesIn((await rawExchange(server.port, rawPost(headerLines))).text)[0];
}

beforeAll(async () => {
  acme = await createKey('acme', { dataDir: server.dataDir });
  globex = await createKey('globex', { dataDir: server.dataDir });
  revoked = await createKey('acme', { dataDir: server.dataDir });
  await revokeKey(revoked, { dataDir: server.dataDir });
  await server.start();
});

afterAll(() => server.dispose());

describe('authentication', () => {
  it('answers 401 without a key, with a wrong key, and with malformed Authorization', async () => {
    const none = await postJson(server.url, '/v1/compress', { data: 1 });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'missing_api_key', request_id: expect.any(String) });
    expect(none.body.detail).toMatch(/x-api-key/);
    for (const wrong of ['kzk_' + 'A'.repeat(32), acme.slice(0, -1), acme + 'x', 'x'.repeat(10_000), '\u00e9\u00e9']) {
      const r = await postJson(server.url, '/v1/compress', { data: 1 }, undefined, { headers: { 'x-api-key': encodeURIComponent(wrong) } });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('invalid_api_key');
    }
    expect(await status([`Authorization: Basic ${Buffer.from(`u:${acme}`).toString('base64')}`])).toBe(401);
    expect(await status([`Authorization: Bearer`])).toBe(401);
    expect(await status([`Authorization: Token ${acme}`])).toBe(401);
  });

  it('answers 403 key_revoked for a revoked key, in either header', async () => {
    for (const headers of [{ 'x-api-key': revoked }, { authorization: `Bearer ${revoked}` }]) {
      const r = await postJson(server.url, '/v1/compress', { data: 1 }, undefined, { headers });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('key_revoked');
      expect(JSON.stringify(r.body)).not.toContain(revoked);
    }
  });

  it("never lets a tenant read another tenant's payload (404, as for an unknown id)", async () => {
    const stored = await postJson(server.url, '/v1/prompts/encode', { prompt: samplePrompt(1) }, acme);
    expect(stored.status).toBe(200);
    const id = stored.body.meta.payload_id;
    const foreign = await postJson(server.url, '/v1/prompts/decode', { ktof: id }, globex);
    const unknown = await postJson(server.url, '/v1/prompts/decode', { ktof: 'kz_' + 'A'.repeat(22) }, globex);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    // Indistinguishable apart from the request id: no existence oracle.
    const shape = (r: typeof foreign, payloadId: string) => ({ ...r.body, request_id: '', detail: String(r.body.detail).replace(payloadId, 'ID') });
    expect(shape(foreign, id)).toEqual(shape(unknown, 'kz_' + 'A'.repeat(22)));
    expect((await postJson(server.url, '/v1/prompts/decode', { ktof: id }, acme)).status).toBe(200);
  });

  it('accepts header names in any casing and the Bearer scheme in any casing', async () => {
    for (const line of [`X-API-KEY: ${acme}`, `x-Api-KeY: ${acme}`, `authorization: bearer ${acme}`, `AUTHORIZATION: BEARER ${acme}`, `Authorization:   Bearer   ${acme}  `]) {
      expect(await status([line]), line).toBe(200);
    }
  });

  it('refuses duplicated or conflicting credentials instead of picking one', async () => {
    const cases: [string, string[]][] = [
      ['the same key twice', [`x-api-key: ${acme}`, `x-api-key: ${acme}`]],
      ['two keys', [`x-api-key: ${acme}`, `X-Api-Key: ${globex}`]],
      ['valid then wrong Authorization', [`Authorization: Bearer ${acme}`, 'Authorization: Bearer wrong']],
      ['wrong then valid Authorization', ['Authorization: Bearer wrong', `Authorization: Bearer ${acme}`]],
      ['x-api-key and Bearer of two tenants', [`x-api-key: ${acme}`, `Authorization: Bearer ${globex}`]],
      ['wrong x-api-key, valid Bearer', ['x-api-key: wrong', `Authorization: Bearer ${acme}`]],
      ['revoked x-api-key, valid Bearer', [`x-api-key: ${revoked}`, `Authorization: Bearer ${acme}`]],
    ];
    for (const [name, lines] of cases) expect([401, 403], name).toContain(await status(lines));
    // The same key in both headers is not ambiguous.
    expect(await status([`x-api-key: ${acme}`, `Authorization: Bearer ${acme}`])).toBe(200);
  });

  it('never writes an API key into the logs', async () => {
    // Everything above went through the server: every key was presented, valid or not.
    expect(server.output).toContain('"request_id"');
    for (const key of [acme, globex, revoked]) {
      expect(server.output).not.toContain(key);
      // Not even the secret part without its prefix.
      expect(server.output).not.toContain(key.slice(8));
    }
  });
});
