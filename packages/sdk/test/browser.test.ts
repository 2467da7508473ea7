/**
 * The remote client in real headless Chromium: bundled for the browser with esbuild, served
 * from a loopback page whose /api/ proxies to the real server (same origin, so no CORS).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from './helpers/real-server.js';

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The page loads the bundle as a module and exposes it (page.evaluate code must not contain import()). */
const PAGE = '<!doctype html><title>kaizen sdk</title><script type="module">import * as sdk from "/sdk.js"; window.kaizen = sdk;</script>';

let real: RealServer;
let browser: Browser;
let origin: string;
let bundle: string;
let bundleInputs: string[];
/** Bytes each input contributes to the bundle. */
let bundleBytes: Record<string, number>;
const seen: { path: string; headers: IncomingMessage['headers'] }[] = [];
let flaky = 0;
let closeSite: () => Promise<void>;

beforeAll(async () => {
  real = await startRealServer();
  const result = await build({ entryPoints: [ENTRY], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, metafile: true, logLevel: 'silent' });
  bundle = result.outputFiles[0]!.text;
  bundleInputs = Object.keys(result.metafile.inputs);
  bundleBytes = Object.fromEntries(Object.entries(Object.values(result.metafile.outputs)[0]!.inputs).map(([path, v]) => [path, v.bytesInOutput]));

  const sockets = new Set<Socket>();
  const site = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (url === '/sdk.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    // /flaky/ answers 503 to every other request, then behaves like /api/.
    const prefix = url.startsWith('/api/') ? '/api' : url.startsWith('/flaky/') ? '/flaky' : undefined;
    if (!prefix) return void res.writeHead(404).end();
    seen.push({ path: url, headers: req.headers });
    if (prefix === '/flaky' && flaky++ % 2 === 0) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"detail":"busy","code":"backend_unavailable","request_id":"x"}');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length', 'origin', 'referer'].includes(k))) as Record<string, string>;
      const upstream = await fetch(real.url + url.slice(prefix.length), { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
      res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
  });
  site.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  closeSite = () => new Promise((resolve) => { for (const s of sockets) s.destroy(); site.close(() => resolve()); });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await closeSite?.();
  await real?.close();
});

describe('KaizenClient in headless Chromium', () => {
  it('bundles without undici or the engine (those are lazy, Node/local only)', () => {
    expect(bundleInputs.some((p) => p.includes('node_modules/undici'))).toBe(false);
    expect(bundleInputs.some((p) => p.includes('packages/core/'))).toBe(false);
    expect(bundleInputs.some((p) => p.startsWith('node:'))).toBe(false);
    // zod's translated error messages (~360 KB) stay out: only the English locale is used.
    const locales = Object.entries(bundleBytes).filter(([p, bytes]) => p.includes('zod/v4/locales/') && !p.endsWith('/en.js') && bytes > 0);
    expect(locales).toEqual([]);
  });

  it('runs every kind of call against the real server, with typed errors', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      await page.waitForFunction(() => 'kaizen' in window);
      const out = await page.evaluate(
        async ({ base, key }) => {
          const sdk = (window as unknown as { kaizen: typeof import('../src/index.js') }).kaizen;
          const kz = new sdk.KaizenClient({ baseUrl: `${base}/api/`, apiKey: key, logLevel: 'off', proxy: 'http://ignored:1', verifySsl: false });
          const health = await kz.health();
          const packed = await kz.compress({ data: { rows: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] } });
          const back = await kz.decompress({ data: packed.result });
          const stored = await kz.promptsEncode({ prompt: { messages: [{ role: 'user', content: 'hi' }] }, metadata: { tab: 1 } });
          const replay = await kz.promptsDecode({ ktof: stored.meta.payload_id });
          const invalid = await kz.compress({ data: 1, options: { indent: 0 } }).catch((e: Error) => ({ name: e.name, isSdk: e instanceof sdk.KaizenError, errors: (e as { errors?: unknown }).errors }));
          const anon = new sdk.KaizenClient({ baseUrl: `${base}/api/`, logLevel: 'off' });
          const unauth = await anon.compress({ data: 1 }).catch((e: Error) => ({ name: e.name, status: (e as { statusCode?: number }).statusCode, api: e instanceof sdk.KaizenAPIError }));
          const stream = kz.decodeStream([packed.result.slice(0, 3), packed.result.slice(3)]);
          const streamed = await stream.value;
          const flakyClient = new sdk.KaizenClient({ baseUrl: `${base}/flaky/`, apiKey: key, logLevel: 'off', retry: { baseDelay: 0.01 } });
          const retried = await flakyClient.compress({ data: [1, 2] }, { requestId: 'browser-rid' });
          await kz.close();
          return { health: health.operation, packed: packed.operation, back: back.result, replay: replay.result, replayMeta: replay.metadata, invalid, unauth, streamed, retried: retried.operation };
        },
        { base: origin, key: real.key },
      );
      expect(out.health).toBe('health');
      expect(out.packed).toBe('compress');
      expect(out.back).toEqual({ rows: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
      expect(out.replay).toEqual({ messages: [{ role: 'user', content: 'hi' }] });
      expect(out.replayMeta).toMatchObject({ tab: 1 });
      expect(out.invalid).toMatchObject({ name: 'KaizenValidationError', isSdk: true, errors: [{ loc: ['body', 'options', 'indent'] }] });
      expect(out.unauth).toEqual({ name: 'KaizenAuthenticationError', status: 401, api: true });
      expect(out.streamed).toEqual({ rows: [{ a: 1, b: 'x' }, { a: 2, b: 'y' }] });
      expect(out.retried).toBe('compress');

      const api = seen.filter((s) => s.path === '/api/v1/compress');
      expect(api[0]!.headers['x-api-key']).toBe(real.key);
      expect(api[0]!.headers.authorization).toBe(`Bearer ${real.key}`);
      const flakyCalls = seen.filter((s) => s.path.startsWith('/flaky/'));
      expect(flakyCalls).toHaveLength(2);
      expect(flakyCalls.map((s) => s.headers['x-request-id'])).toEqual(['browser-rid', 'browser-rid']);
    } finally {
      await page.close();
    }
  });
});
