import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { removeTempDirs, startTestServer, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('durability', () => {
  it('payloads and keys survive a clean restart', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir });
    const enc = await first.call('/v1/prompts/encode', { prompt: { keep: [1, 2, 3] }, metadata: { m: 1 } });
    await first.server.close();
    const second = await startTestServer({ dataDir });
    try {
      const dec = await second.call('/v1/prompts/decode', { ktof: enc.body.meta.payload_id }, { key: first.key });
      expect(dec.status).toBe(200);
      expect(dec.body.data).toEqual({ keep: [1, 2, 3] });
      expect(dec.body.metadata.m).toBe(1);
    } finally {
      await second.server.close();
    }
  });

  // kill -9 under a write load, on SQLite and on Redis: fleet/durability.test.ts.

  it('close() drains an in-flight request before closing the store', async () => {
    const t = await startTestServer();
    // The request is in flight once the server has read its head: wait for that, not a fixed time
    // (a loaded machine may not have accepted the connection yet when the timer fires).
    const arrived = new Promise((resolve) => t.server.http.once('request', resolve));
    let req!: http.ClientRequest;
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req = http.request(`${t.url}/v1/prompts/encode`, { method: 'POST', headers: { 'x-api-key': t.key, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('{"prompt": {"slow":');
    });
    await arrived;
    // close() stops listening at once and then drains; the rest of the body comes only after that.
    const closed = t.server.close();
    req.end(' true}}');
    const r = await response;
    await closed;
    expect(r.status).toBe(200);
    const id = JSON.parse(r.body).meta.payload_id;
    // The acknowledged payload is on disk after the drain.
    const again = await startTestServer({ dataDir: t.server.config.dataDir });
    try {
      expect((await again.call('/v1/prompts/decode', { ktof: id }, { key: t.key })).body.data).toEqual({ slow: true });
    } finally {
      await again.server.close();
    }
    await expect(fetch(t.url)).rejects.toThrow();
  });
});
