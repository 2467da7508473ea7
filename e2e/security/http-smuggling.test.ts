/**
 * Request smuggling basics over raw sockets against a real server: conflicting lengths,
 * Content-Length with Transfer-Encoding, broken chunked encodings. Each is rejected with a 400,
 * the connection is closed, and a request hidden behind it never runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, rawExchange, statusesIn } from '@kaizen/testkit';

const server = new KaizenProcess();
let key: string;

beforeAll(async () => {
  key = await createKey('acme', { dataDir: server.dataDir });
  await server.start();
});

afterAll(() => server.dispose());

/** A hidden second request: if it ran, a second response (and a 200 or 401) would appear. */
const SMUGGLED = 'GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n';

function head(extra: string[]): string {
  return ['POST /v1/compress HTTP/1.1', 'Host: x', `x-api-key: ${key}`, 'Content-Type: application/json', ...extra, '', ''].join('\r\n');
}

const body = '{"data":1}';
const attacks: [string, () => string][] = [
  ['two different Content-Length headers', () => head([`Content-Length: ${body.length}`, `Content-Length: ${body.length + SMUGGLED.length}`]) + body + SMUGGLED],
  ['a list in Content-Length', () => head([`Content-Length: ${body.length}, ${body.length + 5}`]) + body + SMUGGLED],
  ['Content-Length with Transfer-Encoding: chunked', () => head([`Content-Length: ${body.length + 7}`, 'Transfer-Encoding: chunked']) + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` + SMUGGLED],
  ['Transfer-Encoding: chunked with Content-Length first and 0-chunk body', () => head(['Content-Length: 4', 'Transfer-Encoding: chunked']) + '0\r\n\r\n' + SMUGGLED],
  ['an invalid chunk size', () => head(['Transfer-Encoding: chunked']) + `zz\r\n${body}\r\n0\r\n\r\n` + SMUGGLED],
  ['a chunk longer than declared', () => head(['Transfer-Encoding: chunked']) + `2\r\n${body}\r\n0\r\n\r\n` + SMUGGLED],
  ['a negative chunk size', () => head(['Transfer-Encoding: chunked']) + `-1\r\n${body}\r\n0\r\n\r\n` + SMUGGLED],
  ['an obfuscated Transfer-Encoding', () => head(['Transfer-Encoding: xchunked', `Content-Length: ${body.length}`]) + body + SMUGGLED],
  ['Transfer-Encoding not ending in chunked', () => head(['Transfer-Encoding: chunked, identity']) + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` + SMUGGLED],
  ['a space before the colon', () => head([`Content-Length : ${body.length}`, 'Transfer-Encoding: chunked']) + '0\r\n\r\n' + SMUGGLED],
  ['a bare LF inside chunked framing', () => head(['Transfer-Encoding: chunked']) + `${body.length.toString(16)}\n${body}\n0\n\n` + SMUGGLED],
  ['a negative Content-Length', () => head(['Content-Length: -1']) + body + SMUGGLED],
];

describe('request smuggling', () => {
  it.each(attacks)('rejects %s with 400 and closes the connection', async (_name, payload) => {
    const { text, closedByServer } = await rawExchange(server.port, payload());
    expect(statusesIn(text)).toEqual([400]);
    expect(closedByServer).toBe(true);
    // The hidden request never produced a response of its own.
    expect(text).not.toContain('openapi');
  });

  it('serves a well-formed chunked request and keeps a clean connection reusable', async () => {
    const chunked = head(['Transfer-Encoding: chunked']) + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const second = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const { text } = await rawExchange(server.port, chunked + second);
    expect(statusesIn(text)).toEqual([200, 200]);
  });

  it('keeps serving after all of that', async () => {
    expect((await postJson(server.url, '/v1/compress', { data: { a: 1 } }, key)).status).toBe(200);
  });
});
