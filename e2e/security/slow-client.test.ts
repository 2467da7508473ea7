/**
 * A slow client cannot hold the server: headers must arrive within KAIZEN_HEADERS_TIMEOUT_MS
 * and the whole request within KAIZEN_REQUEST_TIMEOUT_MS (shortened here so the test runs in
 * seconds), and while dozens of slowloris connections dribble bytes, real requests are served.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, statusesIn } from '@kaizen/testkit';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const server = new KaizenProcess({
  env: { KAIZEN_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), KAIZEN_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
});
let key: string;

beforeAll(async () => {
  key = await createKey('acme', { dataDir: server.dataDir });
  await server.start();
});

afterAll(() => server.dispose());

/** Opens a connection that writes `first`, then one byte of `drip` every `everyMs`; resolves when the server closes it. */
function dribble(first: string, drip: string, everyMs: number): { closed: Promise<{ ms: number; text: string }>; socket: Socket } {
  const started = Date.now();
  const socket = connect(server.port, '127.0.0.1');
  let text = '';
  let index = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed && index < drip.length) socket.write(drip[index++]!);
  }, everyMs);
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => {});
  socket.write(first);
  const closed = new Promise<{ ms: number; text: string }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - started, text });
    }),
  );
  return { closed, socket };
}

describe('slow clients', () => {
  it('cuts connections whose headers never finish, while serving everyone else', async () => {
    const endless = 'x-filler: ' + 'a'.repeat(10_000);
    const slow = Array.from({ length: 40 }, () => dribble('POST /v1/compress HTTP/1.1\r\nHost: x\r\n', endless, 100));
    // Meanwhile real requests get through promptly.
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      expect((await postJson(server.url, '/v1/compress', { data: { i } }, key)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const results = await Promise.all(slow.map((s) => s.closed));
    for (const { ms, text } of results) {
      // Cut after the headers deadline (plus the server's check interval), with a 408 or silently.
      expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
      expect(statusesIn(text).every((status) => status === 408)).toBe(true);
    }
  });

  it('cuts a request whose body trickles in slower than the request deadline', async () => {
    const body = JSON.stringify({ data: 'x'.repeat(200) });
    const head = `POST /v1/compress HTTP/1.1\r\nHost: x\r\nx-api-key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { closed } = dribble(head, body, 50);
    const { ms, text } = await closed;
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    // The body (10 s at this pace) never completed, so the request was never served.
    expect(statusesIn(text)).not.toContain(200);
    expect((await postJson(server.url, '/v1/compress', { data: 1 }, key)).status).toBe(200);
  });

  it('rejects bad timeout settings with a clear message', async () => {
    const bad = new KaizenProcess({ env: { KAIZEN_HEADERS_TIMEOUT_MS: 'soon' } });
    await expect(bad.start()).rejects.toThrow(/KAIZEN_HEADERS_TIMEOUT_MS/);
    await bad.dispose();
  });
});
