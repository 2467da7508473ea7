/** Node-only network options through the lazily loaded undici dispatcher: TLS, CA, proxy, pool size. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createTcpServer } from 'node:net';
import { KaizenClient, KaizenRequestError, KaizenTimeoutError } from '../src/index.js';
import { type FaultServer, startFaultServer } from './helpers/fault-server.js';

const HEALTH = { operation: 'health', status: 'ok', uptime: 1, version: 't', ktof_version: '1' };

describe('TLS: verifySsl and ca', () => {
  let dir: string;
  let cert: string;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kaizen-sdk-tls-'));
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    expect(made.status, made.stderr?.toString()).toBe(0);
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(HEALTH));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a self-signed certificate by default', async () => {
    await using kz = new KaizenClient({ baseUrl: url, maxRetries: 0, logLevel: 'off' });
    const error = await kz.health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaizenRequestError);
    expect(String((error as Error).message)).toMatch(/certificate/i);
  });

  it('accepts it with verifySsl: false, or with the certificate as ca', async () => {
    await using insecure = new KaizenClient({ baseUrl: url, verifySsl: false, logLevel: 'off' });
    expect(await insecure.health()).toEqual(HEALTH);
    await using trusted = new KaizenClient({ baseUrl: url, ca: cert, logLevel: 'off' });
    expect(await trusted.health()).toEqual(HEALTH);
  });
});

describe('proxy and pool', () => {
  let target: FaultServer;
  let proxyUrl: string;
  const proxied: string[] = [];
  let closeProxy: () => Promise<void>;

  beforeAll(async () => {
    target = await startFaultServer();
    // A minimal forward proxy: CONNECT tunnels and absolute-URI requests.
    const sockets = new Set<Socket>();
    const proxy = createHttpServer((req, res) => {
      proxied.push(`${req.method} ${req.url}`);
      const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      proxied.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      sockets.add(client).add(upstream);
    });
    proxy.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    closeProxy = () => new Promise((resolve) => { for (const s of sockets) s.destroy(); proxy.close(() => resolve()); });
  });
  afterAll(async () => {
    await closeProxy();
    await target.close();
  });

  it('sends requests through the proxy', async () => {
    target.script({ status: 200, body: HEALTH });
    await using kz = new KaizenClient({ baseUrl: target.url, proxy: proxyUrl, logLevel: 'off' });
    expect(await kz.health()).toEqual(HEALTH);
    const host = new URL(target.url).host;
    expect(proxied.some((line) => line === `CONNECT ${host}` || line.startsWith(`GET ${target.url}`))).toBe(true);
    expect(target.requests).toHaveLength(1);
  });

  it('maxConnections bounds the sockets per origin', async () => {
    target.script({ status: 200, body: HEALTH, delayMs: 50 });
    await using one = new KaizenClient({ baseUrl: target.url, maxConnections: 1, logLevel: 'off' });
    await Promise.all([one.health(), one.health(), one.health()]);
    expect(new Set(target.requests.map((r) => r.remotePort)).size).toBe(1);

    // Each answer held long enough that all three requests are sent before the first returns,
    // even when a busy machine is slow to open the sockets (else a socket could be reused).
    target.script({ status: 200, body: HEALTH, delayMs: 500 });
    await using many = new KaizenClient({ baseUrl: target.url, maxConnections: 3, logLevel: 'off' });
    await Promise.all([many.health(), many.health(), many.health()]);
    expect(new Set(target.requests.map((r) => r.remotePort)).size).toBe(3);
  });
});

describe('connectTimeout', () => {
  it('gives up on a TLS handshake that never completes, separately from timeout', async () => {
    // Accepts TCP and then says nothing: the TLS handshake (part of connecting) stalls.
    const sockets = new Set<Socket>();
    const silent = createTcpServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    try {
      await using kz = new KaizenClient({ baseUrl: url, connectTimeout: 0.3, timeout: 20, maxRetries: 0, logLevel: 'off' });
      const started = performance.now();
      const error = await kz.health().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KaizenTimeoutError);
      expect((error as Error).message).toMatch(/connect timeout/);
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
