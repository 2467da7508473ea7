/** Test helpers: the real `kaizen` bin as a child process, temp folders, a real server on loopback. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type ServerConfig } from '@kaizen/server';

/** The built CLI (`npm run build` first). */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment without any KAIZEN_* variables of the machine running the tests. */
function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('KAIZEN_')) env[name] = value;
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/** Runs `kaizen ...args`, feeding `input` on stdin (stdin is closed either way). */
export function kaizen(args: string[], options: { input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], options);
}

/** Runs any command; used for `kaizen` under `script` (a pseudo-terminal) and for `bash -n`. */
export function run(command: string, args: string[], options: { input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: cleanEnv(options.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading everything
    child.stdin.end(options.input ?? '');
  });
}

const dirs: string[] = [];

/** A fresh temp folder, removed by `removeTempDirs`. */
export function tempDir(prefix = 'kaizen-cli-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface TestServer {
  server: RunningServer;
  url: string;
  key: string;
  close(): Promise<void>;
}

/** A real Kaizen server on 127.0.0.1:0 with a SQLite file in a temp folder and one API key. */
export async function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir('kaizen-cli-server-'), logLevel: 'silent', ...config }, {});
  const { key } = await server.backends.keys.create('cli-tests');
  return { server, url: server.url, key, close: () => server.close() };
}

/** Users as a table: the shape KTOF is best at. */
export const USERS = {
  users: [
    { id: 1, name: 'Ada', role: 'admin', active: true },
    { id: 2, name: 'Lin', role: 'dev', active: false },
    { id: 3, name: 'Grace', role: 'dev', active: true },
  ],
  tags: ['a', 'b'],
};
