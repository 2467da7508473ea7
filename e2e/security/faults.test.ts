/**
 * Hostile input and faults (issue 19), against a real `kaizen serve` process on SQLite and Redis
 * over real sockets: a costly request does not stall other tenants, numbers keep every digit,
 * one depth limit holds both ways, client aborts are not 500s, and Node's fetch reads our 413.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, KaizenProcess, postJson, RedisProcess, waitFor } from '@kaizen/testkit';
import { pingWhile, postInFlight } from '../helpers.js';

const redis = new RedisProcess();
const sqliteServer = new KaizenProcess({ args: ['--rate-limit', '1000000', '--max-body', String(4 * 1024 * 1024)] });
let redisServer: KaizenProcess;
const guardServer = new KaizenProcess({ args: ['--anonymous-loopback'], env: { KAIZEN_AUTH_FAILURE_LIMIT: '5' } });
let guardKey: string;
let sqliteKey: string;
let redisKey: string;

beforeAll(async () => {
  await redis.start();
  redisServer = new KaizenProcess({ redisUrl: redis.url, args: ['--rate-limit', '1000000'] });
  sqliteKey = await createKey('acme', { dataDir: sqliteServer.dataDir });
  redisKey = await createKey('acme', { redisUrl: redis.url });
  guardKey = await createKey('acme', { dataDir: guardServer.dataDir });
  await Promise.all([sqliteServer.start(), redisServer.start(), guardServer.start()]);
});

afterAll(async () => {
  await Promise.all([sqliteServer.dispose(), redisServer?.dispose(), guardServer.dispose()]);
  await redis.dispose();
});

/** Raw POST: status and the body as text (to see digits JSON.parse would round). */
async function postText(url: string, path: string, body: string, key: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
  return { status: response.status, text: await response.text() };
}

/** A KTOF table of `rows` rows under a header of `columns` columns. */
function table(columns: number, rows: number): string {
  const names = Array.from({ length: columns }, (_, i) => `c${i}`);
  const row = names.map((_, i) => i).join(',');
  return `[${rows}]{${names.join(',')}}:\n${Array(rows).fill(row).join('\n')}`;
}

describe('a costly request does not stall the others', () => {
  it('GET / keeps answering while a 3 MB wide-table decode runs', async () => {
    const body = JSON.stringify({ data: table(8_000, 40) });
    const { result: decoded, pings, median, workMs } = await pingWhile(sqliteServer.url, () => postJson(sqliteServer.url, '/v1/decompress', body, sqliteKey, { timeoutMs: 60_000 }));
    expect(decoded.status).toBe(200);
    expect(decoded.body.result).toHaveLength(40);
    // On the event loop the decode held the pings for its whole duration: a handful got through,
    // each as slow as the decode. (Relative bounds: the machine may be busy; benchmarks hold the figures.)
    expect(pings.length).toBeGreaterThanOrEqual(10);
    expect(median).toBeLessThan(workMs / 10);
  });

  it('GET / keeps answering while a 60 KB body is counted for 12 model families (cost is bytes x models)', async () => {
    const models = ['gpt-4o', 'gpt-4.1', 'gpt-5', 'o3', 'gpt-4', 'gpt-3.5-turbo', 'claude-sonnet-4', 'gemini-2.5-pro', 'llama-3.1-70b', 'mistral-large', 'deepseek-chat', 'qwen-2.5'];
    // Warm the worker's tokenizers first: loading them is not what is measured.
    await postJson(sqliteServer.url, '/v1/optimize', { data: { warm: 'x'.repeat(70_000) }, token_models: models }, sqliteKey, { timeoutMs: 60_000 });
    // Random text is the costliest to count (up to 4 µs a character per tokenizer); the body stays under 64 KiB.
    const body = { data: { notes: randomBytes(44_000).toString('base64') }, token_models: models };
    expect(JSON.stringify(body).length).toBeLessThan(64 * 1024);
    const { result: counted, pings, median, workMs } = await pingWhile(sqliteServer.url, () => postJson(sqliteServer.url, '/v1/optimize', body, sqliteKey, { timeoutMs: 60_000 }));
    expect(counted.status).toBe(200);
    expect(Object.keys(counted.body.token_stats)).toHaveLength(12);
    expect(pings.length).toBeGreaterThanOrEqual(5);
    expect(median).toBeLessThan(workMs / 5);
  });

  it('refuses a header wider than the column limit with a 400 that says so, at once', async () => {
    const t = performance.now();
    const r = await postJson(sqliteServer.url, '/v1/decompress', { data: table(50_000, 1) }, sqliteKey);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('malformed_ktof');
    expect(r.body.detail).toMatch(/more than 10000 columns/);
    expect(performance.now() - t).toBeLessThan(3_000);
  });
});

describe('keys per object', () => {
  it('refuses an object with more keys than KAIZEN_MAX_KEYS (100,000), as JSON and as KTOF, with a 400 naming the limit', async () => {
    const keys = Array.from({ length: 100_001 }, (_, i) => `"k${i}":1`).join(',');
    const json = await postJson(sqliteServer.url, '/v1/compress', `{"data":{${keys}}}`, sqliteKey);
    expect(json.status).toBe(400);
    expect(json.body.detail).toMatch(/an object has 100001 keys, more than 100000/);
    const ktof = await postJson(sqliteServer.url, '/v1/decompress', JSON.stringify({ data: `{${keys}}` }), sqliteKey);
    expect(ktof.status).toBe(400);
    expect(ktof.body.detail).toMatch(/an object has more than 100000 keys/);
  });
});

describe('numbers keep every digit', () => {
  const json = '{"id":12345678901234567890,"next":9007199254740993,"zero":-0,"price":0.1000000000000000000001}';

  for (const backend of ['sqlite', 'redis'] as const) {
    it(`through compress, decompress, prompts.encode and decode by id (${backend})`, async () => {
      const [url, key] = backend === 'sqlite' ? [sqliteServer.url, sqliteKey] : [redisServer.url, redisKey];
      const compressed = await postText(url, '/v1/compress', `{"data":${json}}`, key);
      expect(compressed.status).toBe(200);
      const ktof = JSON.parse(compressed.text).result as string;
      expect(ktof).toBe('id: 12345678901234567890\nnext: 9007199254740993\nzero: -0\nprice: 0.1000000000000000000001');
      const decompressed = await postText(url, '/v1/decompress', JSON.stringify({ data: ktof }), key);
      expect(decompressed.text).toContain(`"result":${json}`);

      const encoded = await postText(url, '/v1/prompts/encode', `{"prompt":{"messages":[{"role":"user","content":"hi"}],"seed":12345678901234567890}}`, key);
      expect(encoded.status).toBe(200);
      expect(encoded.text).toContain('"seed":12345678901234567890');
      const id = JSON.parse(encoded.text).meta.payload_id as string;
      const decoded = await postText(url, '/v1/prompts/decode', JSON.stringify({ ktof: id }), key);
      expect(decoded.status).toBe(200);
      expect(decoded.text).toContain('"seed":12345678901234567890');
      const byDecompress = await postText(url, '/v1/decompress', JSON.stringify({ data: id }), key);
      expect(byDecompress.status).toBe(200);
      expect(byDecompress.text).toContain('"seed":12345678901234567890');
      // The prompt document (`result`) read back inline, by every route that reads KTOF.
      const document = JSON.parse(encoded.text).result as string;
      for (const [path, field] of [['/v1/prompts/decode', 'ktof'], ['/v1/optimize/response', 'ktof'], ['/v1/decompress', 'data']] as const) {
        const inline = await postText(url, path, JSON.stringify({ [field]: document }), key);
        expect(inline.status).toBe(200);
        expect(inline.text).toContain('"result":{"messages":[{"role":"user","content":"hi"}],"seed":12345678901234567890}');
      }
    });
  }
});

describe('one depth limit', () => {
  const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  it('decodes whatever it encodes (1000 levels), and refuses 1001 both ways without naming options', async () => {
    const compressed = await postJson(sqliteServer.url, '/v1/compress', `{"data":${nested(1_000)}}`, sqliteKey);
    expect(compressed.status).toBe(200);
    const back = await postJson(sqliteServer.url, '/v1/decompress', { data: compressed.body.result }, sqliteKey);
    expect(back.status).toBe(200);
    const tooDeep = await postJson(sqliteServer.url, '/v1/compress', `{"data":${nested(1_001)}}`, sqliteKey);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.detail).toMatch(/1000 levels/);
    const deepKtof = `{"data":${JSON.stringify(nested(1_001))}}`;
    const tooDeepDecode = await postJson(sqliteServer.url, '/v1/decompress', deepKtof, sqliteKey);
    expect(tooDeepDecode.status).toBe(400);
    expect(tooDeepDecode.body.detail).toMatch(/1000 levels/);
    for (const r of [tooDeep, tooDeepDecode]) expect(r.body.detail).not.toMatch(/maxDepth|option/);
  });
});

describe('replay records are bounded', () => {
  /** Every replay record the store holds for `id`: their count and bytes. */
  function storedReplays(backend: 'sqlite' | 'redis', id: string): { count: number; bytes: number } {
    if (backend === 'sqlite') {
      const db = new Database(join(sqliteServer.dataDir, 'kaizen.db'), { readonly: true });
      try {
        const row = db.prepare('SELECT COUNT(*) AS count, COALESCE(SUM(length(replay_meta) + length(metadata)), 0) AS bytes FROM payload_replays WHERE payload_id = ?').get(id) as { count: number; bytes: number };
        return row;
      } finally {
        db.close();
      }
    }
    const key = `kz:{t:acme}:r:${id}`;
    const items = execFileSync('redis-cli', ['-p', String(redis.port), '--raw', 'LRANGE', key, '0', '-1'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
    return { count: items.length, bytes: items.reduce((n, item) => n + item.length, 0) };
  }

  for (const backend of ['sqlite', 'redis'] as const) {
    it(`metadata and replay_meta over 64 KiB are a 413; each payload keeps at most 1 MiB of replays (${backend})`, async () => {
      const [url, key] = backend === 'sqlite' ? [sqliteServer.url, sqliteKey] : [redisServer.url, redisKey];
      const big = { note: 'x'.repeat(64 * 1024) };
      const refusedEncode = await postJson(url, '/v1/prompts/encode', { prompt: 'hi', metadata: big }, key);
      expect(refusedEncode.status).toBe(413);
      expect(refusedEncode.body.detail).toMatch(/`metadata` is \d+ bytes as JSON; the server keeps at most 65536/);
      const encoded = await postJson(url, '/v1/prompts/encode', { prompt: 'hi' }, key);
      const id = encoded.body.meta.payload_id as string;
      const refusedDecode = await postJson(url, '/v1/prompts/decode', { ktof: id, replay_meta: big }, key);
      expect(refusedDecode.status).toBe(413);
      expect(refusedDecode.body.detail).toMatch(/`replay_meta` is/);
      const almost = { note: 'y'.repeat(60 * 1024) };
      for (let i = 0; i < 30; i++) {
        const r = await postJson(url, '/v1/prompts/decode', { ktof: id, replay_meta: { ...almost, i }, metadata: { i } }, key);
        expect(r.status).toBe(200);
      }
      const kept = storedReplays(backend, id);
      expect(kept.count).toBeGreaterThan(10);
      expect(kept.count).toBeLessThan(30);
      expect(kept.bytes).toBeLessThanOrEqual(1024 * 1024);
    });
  }
});

describe('faults that are not ours', () => {
  it('a client that aborts is counted as 499, never logged as a failure', async () => {
    // A 3 MB decode: the client leaves once its body is sent (not after a fixed delay, which a
    // busy machine can outlast before the request even connects), long before the answer.
    const costly = postInFlight(sqliteServer.url + '/v1/decompress', { 'x-api-key': sqliteKey }, JSON.stringify({ data: table(8_000, 40) }));
    await costly.sent;
    costly.request.destroy();
    expect(await costly.answered).toBeInstanceOf(Error);
    // Half a body, then gone.
    await new Promise<void>((resolve) => {
      const req = httpRequest(sqliteServer.url + '/v1/compress', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': sqliteKey, 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"data":"', () => setTimeout(() => { req.destroy(); resolve(); }, 50));
    });
    // Each 499 is counted once the server notices its client left: polled, with room for a busy machine.
    let metrics = '';
    await waitFor('two 499s in /metrics', async () => {
      metrics = await (await fetch(sqliteServer.url + '/metrics')).text();
      return (metrics.match(/status="499"/g) ?? []).length >= 2;
    }).catch(() => {});
    expect(metrics).toMatch(/kaizen_http_requests_total\{route="\/v1\/decompress",method="POST",status="499"\} 1/);
    expect(metrics).toMatch(/kaizen_http_requests_total\{route="\/v1\/compress",method="POST",status="499"\} 1/);
    expect(metrics).not.toMatch(/status="500"/);
    expect(sqliteServer.output).not.toMatch(/"request failed"|internal_error/);
  });

  it('a body that arrives too slowly is a 408 logged at warn, never a 500', async () => {
    const slow = new KaizenProcess({ env: { KAIZEN_REQUEST_TIMEOUT_MS: '1000', KAIZEN_HEADERS_TIMEOUT_MS: '1000' } });
    try {
      const key = await createKey('acme', { dataDir: slow.dataDir });
      await slow.start();
      const status = await new Promise<number | string>((resolve) => {
        const req = httpRequest(slow.url + '/v1/compress', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key, 'content-length': '100' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (error) => resolve(error.message));
        let sent = 0;
        const drip = setInterval(() => (sent++ < 15 ? req.write('x') : clearInterval(drip)), 200);
      });
      expect(status).toBe(408);
      let metrics = '';
      for (let i = 0; i < 20 && !metrics.includes('status="408"'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        metrics = await (await fetch(slow.url + '/metrics')).text();
      }
      expect(metrics).toMatch(/kaizen_http_requests_total\{route="\/v1\/compress",method="POST",status="408"\} 1/);
      expect(metrics).not.toMatch(/status="(500|499)"/);
      // Logs are flushed within a second: wait for the line (a busy machine's timers run late).
      await waitFor('the 408 log line', () => /"level":"warn"[^\n]*"status":408/.test(slow.output), 5_000).catch(() => {});
      expect(slow.output).toMatch(/"level":"warn"[^\n]*"status":408/);
      expect(slow.output).not.toMatch(/request failed/);
    } finally {
      await slow.dispose();
    }
  });

  it("answers a body over --max-body with a 413 that Node's fetch can read", async () => {
    for (const size of [5, 9, 16]) {
      const response = await fetch(sqliteServer.url + '/v1/compress', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': sqliteKey },
        body: JSON.stringify({ data: 'x'.repeat(size * 1024 * 1024) }),
      });
      expect(response.status).toBe(413);
      expect((await response.json()).code).toBe('payload_too_large');
    }
  });
});

/** A raw request with the headers given as they are (fetch will not send a foreign Host). */
function rawPost(port: number, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the anonymous loopback and other guards', () => {
  const json = { 'content-type': 'application/json' };

  it('lets keyless requests in only when they name a loopback Host', async () => {
    const body = '{"data":{"a":1}}';
    expect((await rawPost(guardServer.port, '/v1/compress', { ...json, host: `localhost:${guardServer.port}` }, body)).status).toBe(200);
    expect((await rawPost(guardServer.port, '/v1/compress', { ...json, host: `127.0.0.1:${guardServer.port}` }, body)).status).toBe(200);
    const rebound = await rawPost(guardServer.port, '/v1/compress', { ...json, host: 'attacker.example' }, body);
    expect(rebound.status).toBe(403);
    expect(rebound.body.detail).toMatch(/Host/);
    // With a key, any Host is fine (a proxy may forward its own).
    expect((await rawPost(guardServer.port, '/v1/compress', { ...json, host: 'api.example.com', 'x-api-key': guardKey }, body)).status).toBe(200);
  });

  it('answers 415 to a POST body not declared JSON, keyless or not', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers: Record<string, string> = { host: `localhost:${guardServer.port}`, ...(type ? { 'content-type': type } : {}) };
      const keyless = await rawPost(guardServer.port, '/v1/prompts/encode', headers, '{"prompt":"hi"}');
      expect(keyless.status).toBe(415);
      expect(keyless.body.code).toBe('unsupported_media_type');
      const keyed = await rawPost(sqliteServer.port, '/v1/compress', { ...headers, 'x-api-key': sqliteKey }, '{"data":1}');
      expect(keyed.status).toBe(415);
    }
  });

  it('keeps tenant "local" for keyless requests: kaizen keys create --tenant local is refused', async () => {
    await expect(createKey('local', { dataDir: guardServer.dataDir })).rejects.toThrow(/reserved/);
    await expect(createKey('local', { redisUrl: redis.url })).rejects.toThrow(/reserved/);
  });

  it('neither stores nor echoes a client-sent _kaizen block', async () => {
    const r = await postJson(guardServer.url, '/v1/prompts/encode', { prompt: 'hi', metadata: { user: 'u-1', _kaizen: { request_id: 'forged' } } }, guardKey);
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ user: 'u-1' });
    const back = await postJson(guardServer.url, '/v1/prompts/decode', { ktof: r.body.meta.payload_id }, guardKey);
    expect(back.body.metadata._kaizen.request_id).not.toBe('forged');
  });

  it('writes log lines on a quiet server without waiting for more traffic (flushed every second)', async () => {
    const requestId = `quiet-${Date.now()}`;
    await (await fetch(guardServer.url + '/', { headers: { 'x-request-id': requestId } })).arrayBuffer();
    // Without the flush timer the line would wait for more traffic (none comes) or for exit.
    // Polled, with room for a busy machine's late timers, instead of one look after 1.5 s.
    await waitFor("the quiet request's log line", () => guardServer.output.includes(requestId), 5_000).catch(() => {});
    expect(guardServer.output).toContain(requestId);
  });

  it('limits failed authentication per client address: 429 with Retry-After, then even a good key waits', async () => {
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 8; i++) {
      const r = await rawPost(guardServer.port, '/v1/compress', { ...json, 'x-api-key': `kzk_${'x'.repeat(32)}` }, '{"data":1}');
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers['retry-after'];
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect((await rawPost(guardServer.port, '/v1/compress', { ...json, 'x-api-key': guardKey }, '{"data":1}')).status).toBe(429);
  });
});

describe('shutdown', () => {
  it('a second SIGTERM exits at once, even while a costly request runs', async () => {
    const server = new KaizenProcess({ args: ['--rate-limit', '1000000'], env: { KAIZEN_SHUTDOWN_GRACE_MS: '60000' } });
    try {
      const key = await createKey('acme', { dataDir: server.dataDir });
      await server.start();
      const child = server.child!;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // The first signal must find requests in flight, so the server drains (for up to 60 s): a
      // costly decode, and one whose body never comes (however fast the decode, the drain cannot
      // end by itself). Waited for as events (sent, the 'draining' line), not fixed delays.
      const body = JSON.stringify({ data: table(8_000, 60) });
      const running = postInFlight(server.url + '/v1/decompress', { 'x-api-key': key }, body);
      const held = postInFlight(server.url + '/v1/decompress', { 'x-api-key': key }, body, { holdBody: true });
      await Promise.all([running.sent, held.sent]);
      child.kill('SIGTERM');
      await waitFor('the server to drain the request in flight', () => server.output.includes('draining in-flight requests'));
      const t = performance.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
      // At once: far below the 60 s grace a missed second signal would wait, even on a busy machine.
      expect(performance.now() - t).toBeLessThan(10_000);
      await running.answered;
      await held.answered;
      expect(server.output).toContain('second signal');
    } finally {
      await server.dispose();
    }
  });
});
