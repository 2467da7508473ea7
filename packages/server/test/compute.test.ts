import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComputations, parseRequest } from '@kaizen/core';
import { createServerComputations } from '../src/compute/computations.js';
import { encode, parseJson } from '@kaizen/ktof';
import { createOffloadedComputations } from '../src/compute/offload.js';
import { removeTempDirs, startTestServer, waitFor, type TestServer } from './helpers.js';

// The same requests against a server that computes everything on its worker thread and one that computes nothing there.
let onWorker: TestServer;
let onLoop: TestServer;
beforeAll(async () => {
  onWorker = await startTestServer({ workerAboveBytes: 0 });
  onLoop = await startTestServer({ workerAboveBytes: 100 * 1024 * 1024 });
});
afterAll(async () => {
  await onWorker.server.close();
  await onLoop.server.close();
  removeTempDirs();
});

/** A response body without what differs from call to call (request id, payload id, expiry). */
const comparable = (body: any) => {
  const { request_id: _request, meta, ...rest } = body;
  if (!meta) return rest;
  const { payload_id: _id, expires_at: _expires, ...stable } = meta;
  return { ...rest, meta: stable };
};

const orders = Array.from({ length: 400 }, (_, i) => ({ id: i, customer: `c${i % 37}@example.com`, status: ['late', 'ok', 'held'][i % 3], total: (i * 7.31) % 500 }));

describe('large requests on the compute worker', () => {
  it('answer exactly as when computed on the event loop, errors included', async () => {
    const requests: [string, unknown][] = [
      ['/v1/compress', { data: { orders } }],
      ['/v1/optimize', { data: { orders }, token_models: ['gpt-4o', 'claude-3-5-haiku'] }],
      ['/v1/optimize/request', { prompt: { messages: [{ role: 'user', content: `Orders: ${JSON.stringify(orders)}` }] }, token_models: ['gpt-4o'] }],
      ['/v1/prompts/encode', { prompt: { messages: [{ role: 'user', content: `Orders: ${JSON.stringify(orders)}` }] }, token_models: ['gpt-4o'], metadata: { trace: 't' } }],
      // Deeper than KTOF encodes (1000 levels), within what the HTTP layer lets through: the codec refuses it.
      ['/v1/compress', { data: JSON.parse('['.repeat(1010) + ']'.repeat(1010)) }],
    ];
    for (const [path, body] of requests) {
      const [worker, loop] = await Promise.all([onWorker.call(path, body), onLoop.call(path, body)]);
      expect(worker.status, path).toBe(loop.status);
      expect(comparable(worker.body), path).toEqual(comparable(loop.body));
    }
    const stored = await onWorker.call('/v1/prompts/encode', { prompt: { messages: [{ role: 'user', content: JSON.stringify(orders) }] } });
    const replayed = await onWorker.call('/v1/prompts/decode', { ktof: stored.body.meta.payload_id });
    expect(replayed.body.data).toEqual({ messages: [{ role: 'user', content: JSON.stringify(orders) }] });
  });

  it('decompress answers the same bytes from the event loop (the JSON text written for its stats) as from the worker, exact numbers included', async () => {
    const json = '{"big":12345678901234567890,"neg":-0,"rows":[{"a":1,"b":"x"},{"a":2.5,"b":"y, z"}],"note":"\u00e9 \\" \\\\"}';
    const ktof = encode(parseJson(json, { numbers: 'text' }));
    const raw = async (t: TestServer) => {
      const response = await fetch(t.url + '/v1/decompress', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': t.key }, body: JSON.stringify({ data: ktof }) });
      return (await response.text()).replace(/"request_id":"[^"]*"/, '');
    };
    const [worker, loop] = await Promise.all([raw(onWorker), raw(onLoop)]);
    expect(loop).toBe(worker);
    const exact = '{"big":12345678901234567890,"neg":-0,"rows":[{"a":1,"b":"x"},{"a":2.5,"b":"y, z"}],"note":"\u00e9 \\" \\\\"}'.replace('\\u00e9', 'é');
    expect(loop).toContain(`"result":${exact}`);
    expect(loop).toContain(`"data":${exact}`);
  });

  it('stops the worker once it has been idle, and starts it again for the next large request', async () => {
    const local = createComputations();
    const compute = createOffloadedComputations({ local, aboveCost: 0, idleStopMs: 200 });
    try {
      const request = parseRequest('optimize', { data: { orders }, token_models: ['gpt-4o'] });
      const expected = await local.encodeData(request);
      const context = { tenant: 'acme', requestId: 'r', requestBytes: 1_000_000 };
      expect(compute.workerRunning).toBe(false);
      // Two at once: the first to finish leaves the other on the worker, which must not be stopped under it.
      expect(await Promise.all([compute.encodeData(request, context), compute.encodeData(request, context)])).toEqual([expected, expected]);
      expect(compute.workerRunning).toBe(true);
      // 200 ms idle, then stopped: polled up to a bound far above that, so a busy machine's late timers still pass.
      await waitFor('the idle worker to stop', () => !compute.workerRunning, 15_000).catch(() => {});
      expect(compute.workerRunning).toBe(false);
      expect(await compute.encodeData(request, context)).toEqual(expected);
      expect(compute.workerRunning).toBe(true);
    } finally {
      await compute.close();
    }
  });

  it('rewrites a gateway body on the worker to the same bytes and figures as on the event loop', async () => {
    const local = createServerComputations();
    const compute = createOffloadedComputations({ local, aboveCost: 0 });
    const encoder = new TextEncoder();
    const gateway = (chat: unknown) => ({ body: encoder.encode(typeof chat === 'string' ? chat : JSON.stringify(chat)), order: ['system', 'messages'], fallbackModel: 'gpt-4o' });
    try {
      const bodies = [
        // JSON in tool results: rewritten, primer once.
        { model: 'gpt-4o', system: 'Be brief.', messages: [{ role: 'user', content: 'Late?' }, { role: 'tool', content: JSON.stringify(orders) }, { role: 'tool', content: `Again: ${JSON.stringify(orders.slice(0, 50))}` }] },
        // Nothing gets smaller: the caller's bytes go as they came (no body copied back).
        { model: 'claude-3-5-haiku', messages: [{ role: 'user', content: 'hello' }] },
        // Not a chat request, not JSON, not UTF-8: sent as is.
        { model: 'gpt-4o', input: 42 },
        '{"model": "gpt-4o", "messages": [',
      ];
      for (const chat of bodies) {
        const onLoop = await local.rewriteGatewayBody(gateway(chat));
        const onWorker = await compute.rewriteGatewayBody(gateway(chat), { requestBytes: 1_000_000 });
        expect(onWorker).toEqual(onLoop);
      }
      expect((await compute.rewriteGatewayBody(gateway(bodies[0]), { requestBytes: 1_000_000 }))!.textsRewritten).toBe(2);
      expect((await compute.rewriteGatewayBody(gateway(bodies[1]), { requestBytes: 1_000_000 }))!.body).toBeUndefined();
      expect(await compute.rewriteGatewayBody({ ...gateway(''), body: new Uint8Array([0x7b, 0xff, 0x7d]) }, { requestBytes: 1_000_000 })).toBeUndefined();
      expect(compute.workerRunning).toBe(true);
    } finally {
      await compute.close();
    }
  });

  it('when the worker cannot be started again, every request already waiting runs at once, in arrival order', async () => {
    const local = createServerComputations();
    // A worker that loads, then dies on its first request; after that its module cannot be
    // started at all (as if the install were replaced), which the Worker constructor reports by throwing.
    const workerUrl = new URL('./fixtures/worker-dies-on-first-job.mjs', import.meta.url);
    const compute = createOffloadedComputations({ local, aboveCost: 0, workerUrl });
    try {
      const requests = [0, 1, 2, 3].map((i) => parseRequest('optimize', { data: { orders: orders.slice(i) }, token_models: ['gpt-4o'] }));
      const expected = await Promise.all(requests.map((request) => local.encodeData(request)));
      const context = { tenant: 'acme', requestId: 'r', requestBytes: 1_000_000 };
      const settled = requests.map((request) => compute.encodeData(request, context).then((value) => ({ value }), (error: unknown) => ({ error })));
      await waitFor('the worker to start', () => compute.workerRunning, 15_000);
      workerUrl.href = 'https://example.invalid/worker.js';
      // A hang is what this guards against; 20 s is far above the few ms the four requests take here.
      const waited = await Promise.race([Promise.all(settled), new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 20_000).unref())]);
      expect(waited).not.toBe('still waiting');
      const [first, ...rest] = waited as { value?: unknown; error?: unknown }[];
      // The one on the worker when it died fails (send it again); the ones behind it are computed here.
      expect(first!.error).toMatchObject({ status: 500 });
      expect(rest.map((r) => r.value)).toEqual(expected.slice(1));
      expect(compute.queued).toBe(0);
      // And so is the next one.
      expect(await compute.encodeData(requests[0]!, context)).toEqual(expected[0]);
    } finally {
      await compute.close();
    }
  });

  it('computes large requests on the event loop when the worker cannot load', async () => {
    const local = createComputations();
    const compute = createOffloadedComputations({ local, aboveCost: 0, workerUrl: new URL('./no-such-worker.js', import.meta.url) });
    try {
      const request = parseRequest('optimize', { data: { orders }, token_models: ['gpt-4o'] });
      const expected = await local.encodeData(request);
      const context = { tenant: 'acme', requestId: 'r', requestBytes: 1_000_000 };
      expect(await compute.encodeData(request, context)).toEqual(expected);
      expect(await compute.encodeData(request, context)).toEqual(expected);
      // Several waiting at once when the thread fails to load: all computed, none left behind.
      expect(await Promise.all([1, 2, 3].map(() => compute.encodeData(request, context)))).toEqual([expected, expected, expected]);
    } finally {
      await compute.close();
    }
  });
});
