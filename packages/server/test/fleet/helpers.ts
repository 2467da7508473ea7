/**
 * Test helpers for fleet, durability, security and fuzz tests: real `redis-server` and
 * `kaizen serve` child processes on free loopback ports, stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerOf } from '../helpers.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
export const KAIZEN_BIN = join(REPO_ROOT, 'packages/cli/dist/bin.js');

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `kaizen-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Waits until `check` resolves truthy, polling; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once('exit', () => resolveExit()));
}

export interface RedisOptions {
  /** Append-only file on (fsync policy `appendfsync`, default always: the durability setting). */
  aof?: boolean;
  appendfsync?: 'always' | 'everysec';
}

/** A redis-server of our own on a free port with its own data directory. */
export class RedisProcess {
  child: ChildProcess | undefined;
  readonly dir = tempDir('redis');
  port = 0;

  constructor(readonly options: RedisOptions = {}) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts on the same port and data directory) and waits until it answers PING. */
  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir.path, '--daemonize', 'no', '--loglevel', 'warning'];
    args.push('--appendonly', this.options.aof ? 'yes' : 'no');
    if (this.options.aof) args.push('--appendfsync', this.options.appendfsync ?? 'always');
    this.child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const child = this.child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(`redis-server on ${this.port} ${stderr}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`);
      return (await redisPing(this.port)) || undefined;
    });
    return this;
  }

  /** SIGKILL: no shutdown save, no goodbye to clients. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    process.kill(child.pid, 'SIGKILL');
    await exited(child);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await exited(child);
    }
  }

  /** Stops and removes the data directory. */
  async dispose(): Promise<void> {
    await this.stop();
    this.dir.remove();
  }
}

/** True when something on the port answers a Redis PING with +PONG. */
async function redisPing(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolvePing) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export interface ServeOptions {
  /** `--redis URL`; without it the replica runs on SQLite in `dataDir`. */
  redisUrl?: string;
  /** SQLite data directory (a fresh temporary one when omitted). */
  dataDir?: string;
  /** Extra `kaizen serve` flags, e.g. ['--rate-limit', '100']. */
  args?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** A `kaizen serve` child process on a free port; stdout and stderr are captured (logs). */
export class KaizenProcess {
  child: ChildProcess | undefined;
  port = 0;
  /** Everything the process wrote to stdout and stderr, across restarts. */
  output = '';
  readonly dataDir: string;
  readonly #ownDir: { remove(): void } | undefined;

  constructor(readonly options: ServeOptions = {}) {
    if (options.dataDir) this.dataDir = options.dataDir;
    else {
      const dir = tempDir('data');
      this.dataDir = dir.path;
      this.#ownDir = dir;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts on the same port) and waits until `GET /` answers. */
  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const args = [KAIZEN_BIN, 'serve', '--host', '127.0.0.1', '--port', String(this.port), '--data', this.dataDir, ...(this.options.args ?? [])];
    if (this.options.redisUrl) args.push('--redis', this.options.redisUrl);
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, KAIZEN_LOG_LEVEL: 'info', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    let onExit: (() => void) | undefined;
    const died = new Promise<never>((_, reject) => {
      onExit = () => reject(new Error(`kaizen serve exited with ${child.exitCode}: ${this.output}`));
      child.once('exit', onExit);
    });
    const ready = waitFor(`kaizen serve on ${this.port}`, async () => {
      const response = await fetch(this.url + '/', { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      return response.status === 200;
    }, 15_000);
    try {
      await Promise.race([ready, died]);
    } finally {
      child.off('exit', onExit!);
      died.catch(() => {});
      ready.catch(() => {});
    }
    return this;
  }

  /** SIGKILL: no drain, no clean close of the store. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid, 'SIGKILL');
    await exited(child);
  }

  /** SIGTERM (graceful drain) and wait for the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child?.pid) return null;
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await exited(child);
    }
    return child.exitCode;
  }

  /** Stops and removes its own data directory. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) await this.kill9();
    this.#ownDir?.remove();
  }
}

/** Runs `kaizen keys create` (SQLite `--data DIR` or `--redis URL`) and returns the key it printed. */
export async function createKey(tenant: string, target: { dataDir?: string; redisUrl?: string }): Promise<string> {
  const where = target.redisUrl ? ['--redis', target.redisUrl] : ['--data', target.dataDir ?? ''];
  const { stdout } = await run(process.execPath, [KAIZEN_BIN, 'keys', 'create', '--tenant', tenant, ...where]);
  const key = stdout.trim();
  if (!/^\S+$/.test(key)) throw new Error(`keys create printed ${JSON.stringify(stdout)}`);
  return key;
}

/** Runs `kaizen keys revoke ID_OR_KEY`. */
export async function revokeKey(idOrKey: string, target: { dataDir?: string; redisUrl?: string }): Promise<void> {
  const where = target.redisUrl ? ['--redis', target.redisUrl] : ['--data', target.dataDir ?? ''];
  await run(process.execPath, [KAIZEN_BIN, 'keys', 'revoke', idOrKey, ...where]);
}

function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun({ stdout, stderr }) : reject(new Error(`${args.slice(1).join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** POSTs JSON with an API key; returns status, parsed body and headers. */
export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  key?: string,
  init: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}), ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  return answerOf(response);
}

/** A chat prompt with embedded JSON, different for every `seed`, as prompts.encode receives it. */
export function samplePrompt(seed: number): { messages: { role: string; content: string }[] } {
  const rows = Array.from({ length: 8 }, (_, i) => ({ id: seed * 100 + i, name: `user-${seed}-${i}`, active: i % 2 === 0, score: (seed * 7 + i) % 97 }));
  return {
    messages: [
      { role: 'system', content: 'You are a helpful analyst.' },
      { role: 'user', content: `Summarise these accounts:\n${JSON.stringify({ accounts: rows })}` },
    ],
  };
}

/**
 * Sends raw bytes on one TCP connection and collects everything until the server closes it
 * (or `timeoutMs` passes). For tests that need exact bytes: header casing, duplicated
 * headers, conflicting lengths, broken chunked encoding.
 */
export async function rawExchange(port: number, payload: string | Buffer, timeoutMs = 3_000): Promise<{ text: string; closedByServer: boolean; ms: number }> {
  const { connect } = await import('node:net');
  const started = Date.now();
  return new Promise((resolveExchange) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => (closedByServer = true));
    socket.on('close', () => {
      clearTimeout(timer);
      resolveExchange({ text, closedByServer, ms: Date.now() - started });
    });
    socket.write(payload);
  });
}

/** The status codes of every HTTP response in a raw exchange, in order. */
export function statusesIn(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}
