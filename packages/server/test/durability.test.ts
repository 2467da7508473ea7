import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { kaizen, serve } from './cli-process.js';
import { removeTempDirs, startTestServer, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const post = (url: string, key: string, path: string, body: unknown) =>
  fetch(url + path, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });

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

  it('every payload acknowledged with a 200 survives kill -9 of the server process', async () => {
    const dataDir = tempDir();
    const key = (await kaizen(['keys', 'create', '--data', dataDir, '--tenant', 'acme'])).stdout.trim();
    const first = await serve(['--data', dataDir]);
    const acknowledged: { id: string; n: number }[] = [];
    // Keep encoding concurrently; kill -9 while requests are still in flight.
    let stop = false;
    const worker = async (w: number) => {
      for (let n = w; !stop; n += 8) {
        try {
          const r = await post(first.url, key, '/v1/prompts/encode', { prompt: { n, text: `payload ${n}` } });
          if (r.status === 200) acknowledged.push({ id: ((await r.json()) as any).meta.payload_id, n });
        } catch {
          return;
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await serve(['--data', dataDir]);
    try {
      expect(second.stderr()).not.toContain('No API key existed');
      for (const { id, n } of acknowledged) {
        const r = await post(second.url, key, '/v1/prompts/decode', { ktof: id });
        expect(r.status, id).toBe(200);
        expect(((await r.json()) as any).data).toEqual({ n, text: `payload ${n}` });
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('close() drains an in-flight request before closing the store', async () => {
    const t = await startTestServer();
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${t.url}/v1/prompts/encode`, { method: 'POST', headers: { 'x-api-key': t.key, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('{"prompt": {"slow":');
      setTimeout(() => req.end(' true}}'), 150);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = t.server.close();
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
