/**
 * The built `kaizen` CLI (packages/cli/dist/bin.js; `npm run build` first) as child processes:
 * one-shot commands, `kaizen serve` replicas on free ports, API keys made with `kaizen keys`.
 * Only the CLI's own tests and e2e/ use these: a package below the CLI never runs its build.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir, removeDir } from './temp.js';
import { exited, freePort, waitFor } from './wait.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const KAIZEN_BIN = join(REPO_ROOT, 'packages/cli/dist/bin.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

type Env = Record<string, string | undefined>;

/** Environment without any KAIZEN_* variables of the machine running the tests, plus `extra`. */
function cleanEnv(extra: Env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('KAIZEN_')) env[name] = value;
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/** Runs `kaizen ...args`, feeding `input` on stdin (stdin is closed either way). */
export function kaizen(args: string[], options: { input?: string | Buffer; env?: Env; cwd?: string } = {}): Promise<RunResult> {
  return run(process.execPath, [KAIZEN_BIN, ...args], options);
}

/** Runs any command; used for `kaizen` under `script` (a pseudo-terminal) and for `bash -n`. */
export function run(command: string, args: string[], options: { input?: string | Buffer; env?: Env; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: cleanEnv(options.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading everything
    child.stdin.end(options.input ?? '');
  });
}

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `kaizen serve --port 0 ...args`; resolves once it printed its URL (the port the OS gave it). */
export function serve(args: string[], env: Env = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [KAIZEN_BIN, 'serve', '--port', '0', ...args], { cwd: REPO_ROOT, env: cleanEnv(env) });
  let err = '';
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exitedWith = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  return new Promise((resolveServe, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const match = /listening on (http:\/\/\S+)/.exec(err);
      if (match) resolveServe({ child, url: match[1]!, stderr: () => err, stdout: () => out, exited: exitedWith });
    });
    exitedWith.then(({ code }) => reject(new Error(`kaizen serve exited with ${code}: ${err}`)));
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

/** A `kaizen serve` replica on a port chosen up front (so it restarts on the same one); output captured. */
export class KaizenProcess {
  child: ChildProcess | undefined;
  port = 0;
  /** Everything the process wrote to stdout and stderr, across restarts. */
  output = '';
  readonly dataDir: string;
  readonly #ownsDataDir: boolean;

  constructor(readonly options: ServeOptions = {}) {
    this.#ownsDataDir = !options.dataDir;
    this.dataDir = options.dataDir ?? tempDir('data');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts on the same port) and waits until `GET /` answers. */
  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    const args = [KAIZEN_BIN, 'serve', '--host', '127.0.0.1', '--port', String(this.port), '--data', this.dataDir, ...(this.options.args ?? [])];
    if (this.options.redisUrl) args.push('--redis', this.options.redisUrl);
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: cleanEnv({ KAIZEN_LOG_LEVEL: 'info', ...this.options.env }), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    let onExit: (() => void) | undefined;
    const died = new Promise<never>((_, reject) => {
      onExit = () => reject(new Error(`kaizen serve exited with ${child.exitCode}: ${this.output}`));
      child.once('exit', onExit);
    });
    // Several replicas starting at once on a loaded machine take seconds each: a wide bound.
    const ready = waitFor(`kaizen serve on ${this.port}`, async () => {
      const response = await fetch(this.url + '/', { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      return response.status === 200;
    }, 45_000);
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
    if (this.#ownsDataDir) removeDir(this.dataDir);
  }
}

type Store = { dataDir?: string; redisUrl?: string };

const storeFlags = (target: Store) => (target.redisUrl ? ['--redis', target.redisUrl] : ['--data', target.dataDir ?? '']);

/** Runs `kaizen keys ...args` against a store; throws with its stderr when it fails. */
async function keys(args: string[], target: Store): Promise<string> {
  const result = await kaizen(['keys', ...args, ...storeFlags(target)]);
  if (result.code !== 0) throw new Error(`kaizen keys ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Runs `kaizen keys create` (SQLite `--data DIR` or `--redis URL`) and returns the key it printed. */
export async function createKey(tenant: string, target: Store): Promise<string> {
  const stdout = await keys(['create', '--tenant', tenant], target);
  const key = stdout.trim();
  if (!/^\S+$/.test(key)) throw new Error(`keys create printed ${JSON.stringify(stdout)}`);
  return key;
}

/** Runs `kaizen keys revoke ID_OR_KEY`. */
export async function revokeKey(idOrKey: string, target: Store): Promise<void> {
  await keys(['revoke', idOrKey], target);
}
