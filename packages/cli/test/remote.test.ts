/** `--remote`: the same commands through a real Kaizen server on loopback. */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '@kaizen/ktof';
import { kaizen, removeTempDirs, startTestServer, tempDir, USERS, type TestServer } from './helpers.js';

let server: TestServer;
let anonymous: TestServer;

beforeAll(async () => {
  [server, anonymous] = await Promise.all([startTestServer(), startTestServer({ anonymousLoopback: true })]);
});
afterAll(async () => {
  await Promise.all([server?.close(), anonymous?.close()]);
  removeTempDirs();
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('--remote', () => {
  it('encodes and decodes through the server exactly as in-process', async () => {
    const input = JSON.stringify(USERS);
    const remote = await kaizen(['encode', '--remote', server.url, '--api-key', server.key, '--delimiter', 'pipe'], { input });
    expect(remote).toMatchObject({ code: 0, stderr: '' });
    expect(remote.stdout).toBe(`${encode(USERS, { delimiter: '|' })}\n`);
    const back = await kaizen(['decode', '--compact', '--remote', server.url, '--api-key', server.key], { input: remote.stdout });
    expect(back).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(back.stdout)).toEqual(USERS);
  });

  it('reads KAIZEN_BASE_URL and KAIZEN_API_KEY when --remote has no URL', async () => {
    const result = await kaizen(['encode', '--remote'], { input: JSON.stringify(USERS), env: { KAIZEN_BASE_URL: server.url, KAIZEN_API_KEY: server.key } });
    expect(result).toMatchObject({ code: 0, stdout: `${encode(USERS)}\n`, stderr: '' });
  });

  it('converts files with --out-dir through the server', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), JSON.stringify(USERS));
    writeFileSync(join(dir, 'b.json'), '[1,2,3]');
    const result = await kaizen(['convert', 'a.json', 'b.json', '--out-dir', 'out', '--remote', server.url, '--api-key', server.key], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const back = await kaizen(['decode', '--compact', 'out/a.ktof'], { cwd: dir });
    expect(JSON.parse(back.stdout)).toEqual(USERS);
  });

  it('reports malformed KTOF at the same file:line:column as the local decoder (exit 1)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.ktof'), 'ok: true\nrows[2]{a,b}:\n  1,2\n  3\n');
    const local = await kaizen(['decode', 'bad.ktof'], { cwd: dir });
    const remote = await kaizen(['decode', 'bad.ktof', '--remote', server.url, '--api-key', server.key], { cwd: dir });
    expect(local.code).toBe(1);
    expect(remote.code).toBe(1);
    expect(remote.stderr).toMatch(/^bad\.ktof:4:\d+: /);
    expect(remote.stderr).toBe(local.stderr);
  });

  it('exits 3 with a clear message for a refused key and an unreachable server', async () => {
    const refused = await kaizen(['encode', '--remote', server.url, '--api-key', 'kzk_wrong'], { input: '{}' });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe(`kaizen encode: ${server.url} answered 401 invalid_api_key: Invalid API key. (pass --api-key or set KAIZEN_API_KEY)\n`);
    const missing = await kaizen(['encode', '--remote', server.url], { input: '{}' });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('401');

    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await kaizen(['stats', '--remote', url, '--api-key', 'k'], { input: '{"a":1}', env: { KAIZEN_MAX_RETRIES: '0' } });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(new RegExp(`^kaizen stats: cannot reach ${url}: `));
    expect(down.stdout).toBe('');
  });

  it('needs no key on a server that lets loopback in anonymously', async () => {
    const result = await kaizen(['encode', '--remote', anonymous.url], { input: JSON.stringify(USERS) });
    expect(result).toMatchObject({ code: 0, stdout: `${encode(USERS)}\n` });
  });

  it('stats --remote: the server counts compact JSON and KTOF, the same numbers as in-process', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'users.json'), JSON.stringify(USERS));
    const args = ['stats', 'users.json', '--json', '--models', 'gpt-4o,claude-sonnet-4,gemini-2.5-pro'];
    const remote = await kaizen([...args, '--remote', server.url, '--api-key', server.key], { cwd: dir });
    const local = await kaizen(args, { cwd: dir });
    expect(remote).toMatchObject({ code: 0, stderr: '' });
    const r = JSON.parse(remote.stdout);
    const l = JSON.parse(local.stdout);
    expect(r.engine).toBe('remote');
    expect(l.engine).toBe('local');
    expect(r.files).toEqual(l.files);

    const unknown = await kaizen(['stats', 'users.json', '--models', 'gpt-4o,not-a-model', '--remote', server.url, '--api-key', server.key], { cwd: dir });
    expect(unknown.code).toBe(2);
  });
});
