/** The examples in examples/ run as written against the real server (URL and key via env). */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from './helpers/real-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

let real: RealServer;
beforeAll(async () => {
  real = await startRealServer();
});
afterAll(() => real.close());

function runExample(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only what the example needs: no inherited KAIZEN_* can change what it does.
    const child = spawn(TSX, [`examples/${file}`], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples', () => {
  it('quickstart.ts is the README quickstart, and runs as written', async () => {
    const readme = readFileSync(`${ROOT}packages/sdk/README.md`, 'utf8');
    const block = /`examples\/quickstart\.ts`:\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(`${ROOT}examples/quickstart.ts`, 'utf8'));
    const { code, stdout, stderr } = await runExample('quickstart.ts', { KAIZEN_BASE_URL: real.url, KAIZEN_API_KEY: real.key });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain("'gpt-4o-mini': {");
    expect(stdout).toContain('lossless: true');
  });

  it('lifecycle.ts walks a prompt through encode, store, replay, reply and errors', async () => {
    const { code, stdout, stderr } = await runExample('lifecycle.ts', { KAIZEN_BASE_URL: real.url, KAIZEN_API_KEY: real.key });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`connected: ${real.url}`);
    expect(stdout).toMatch(/prompts\.encode: stored kz_[A-Za-z0-9_-]{22} until /);
    expect(stdout).toContain('prompts.decode: original restored: true; metadata keys: _kaizen, replayed_by, ticket_batch');
    expect(stdout).toContain('optimize.response: {"attention":[101,103],"reason":"open and not low priority"}');
    expect(stdout).toContain('not found: 404 payload_not_found');
    expect(stdout).toContain('invalid: body.options.indent: Input should be greater than or equal to 1');
    expect(stdout).toContain('batch: 3/3 stored');
    expect(stdout.trim().endsWith('done')).toBe(true);
  });

  it('cost-comparison.ts prints token stats per model and a lossless round trip', async () => {
    const { code, stdout, stderr } = await runExample('cost-comparison.ts', { KAIZEN_BASE_URL: real.url, KAIZEN_API_KEY: real.key });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/bytes: \d+ JSON -> \d+ KTOF/);
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet']) expect(stdout).toMatch(new RegExp(`^${model}\\*?\\s+\\d+\\s+\\d+\\s+-?\\d+\\.\\d%\\s+\\$\\d+\\.\\d\\d$`, 'm'));
    expect(stdout).toContain('round trip lossless: true');
  });

  it('both run with no server at all (KAIZEN_LOCAL=1)', async () => {
    const [cost, lifecycle] = await Promise.all([runExample('cost-comparison.ts', { KAIZEN_LOCAL: '1' }), runExample('lifecycle.ts', { KAIZEN_LOCAL: '1' })]);
    expect([cost.code, lifecycle.code]).toEqual([0, 0]);
    expect(cost.stdout).toContain('round trip lossless: true');
    expect(lifecycle.stdout).toContain('connected: local:');
    expect(lifecycle.stdout).toContain('batch: 3/3 stored');
  });

  it('end with one line when no server answers, and quietly when piped to head', async () => {
    const down = await runExample('lifecycle.ts', { KAIZEN_BASE_URL: 'http://127.0.0.1:9', KAIZEN_MAX_RETRIES: '0' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^example stopped: GET http:\/\/127\.0\.0\.1:9\/: connection failed .*KAIZEN_BASE_URL.*\n$/);
    const piped = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', `${TSX} examples/cost-comparison.ts | head -1`], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', KAIZEN_LOCAL: '1' } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(piped).toEqual({ code: 0, stderr: '' });
  });
});
