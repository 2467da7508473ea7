import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kaizen, removeTempDirs, serve, tempDir } from '@kaizen/testkit';

afterAll(removeTempDirs);

describe('kaizen keys', () => {
  it('create prints the key alone; list never shows it; revoke takes effect on a running server', async () => {
    const dataDir = tempDir();
    const created = await kaizen(['keys', 'create', '--data', dataDir, '--tenant', 'acme']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^kzk_[A-Za-z0-9_-]{32}\n$/);
    const key = created.stdout.trim();

    const list = await kaizen(['keys', 'list', '--data', dataDir, '--json']);
    const records = JSON.parse(list.stdout);
    expect(records).toEqual([expect.objectContaining({ tenant: 'acme', prefix: key.slice(0, 10), revokedAt: null })]);
    expect(list.stdout).not.toContain(key);
    const table = await kaizen(['keys', 'list', '--data', dataDir]);
    expect(table.stdout).toContain(records[0].id);
    expect(table.stdout).not.toContain(key);

    const server = await serve(['--data', dataDir]);
    try {
      expect(server.stderr()).not.toContain('kzk_');
      const call = () => fetch(`${server.url}/v1/compress`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"data":[1]}' });
      expect((await call()).status).toBe(200);
      const revoked = await kaizen(['keys', 'revoke', records[0].id, '--data', dataDir]);
      expect(revoked.code).toBe(0);
      expect((await call()).status).toBe(403);
      expect((await kaizen(['keys', 'revoke', records[0].id, '--data', dataDir])).code).not.toBe(0);
    } finally {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    }
  });

  it('creates keys from several processes at once on a new data directory', async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = tempDir();
      const runs = await Promise.all(['a', 'b', 'c'].map((tenant) => kaizen(['keys', 'create', '--data', dataDir, '--tenant', tenant])));
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
      const records = JSON.parse((await kaizen(['keys', 'list', '--data', dataDir, '--json'])).stdout) as { tenant: string }[];
      expect(records.map((r) => r.tenant).sort()).toEqual(['a', 'b', 'c']);
    }
  });

  it('says which store it used, and never creates a missing one to read or revoke from', async () => {
    const parent = tempDir();
    const dataDir = join(parent, 'data');
    for (const args of [['list'], ['list', '--json'], ['revoke', 'key_0000000000000000']]) {
      const r = await kaizen(['keys', ...args, '--data', dataDir]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`no Kaizen store at ${join(dataDir, 'kaizen.db')}; pass the --data directory the server uses`);
      expect(existsSync(dataDir)).toBe(false);
    }
    const created = await kaizen(['keys', 'create', '--data', dataDir, '--tenant', 'acme']);
    expect(created.stderr).toContain(`kaizen keys: using the SQLite store ${join(dataDir, 'kaizen.db')} (new: created now; the server must use this --data directory)`);
    const again = await kaizen(['keys', 'create', '--tenant', 'acme'], { env: { KAIZEN_DATA_DIR: dataDir } });
    expect(again.stderr).toContain(`kaizen keys: using the SQLite store ${join(dataDir, 'kaizen.db')}\n`);
    const listed = await kaizen(['keys', 'list', '--data', dataDir, '--json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(2);
    expect(listed.stderr).toBe(`kaizen keys: using the SQLite store ${join(dataDir, 'kaizen.db')}\n`);
    // A key that matches nothing is echoed whole.
    const missing = await kaizen(['keys', 'revoke', 'kzk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '--data', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no active key matches "kzk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"');
  });

  it('rejects a bad tenant name', async () => {
    const r = await kaizen(['keys', 'create', '--data', tempDir(), '--tenant', 'no spaces']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid tenant');
  });
});

describe('kaizen serve', () => {
  it('creates and prints one key when the store has none, logs JSON with the URL, and exits 0 on SIGTERM', async () => {
    const dataDir = tempDir();
    const first = await serve([], { KAIZEN_DATA_DIR: dataDir, KAIZEN_RATE_LIMIT: '1000' });
    const key = /kzk_[A-Za-z0-9_-]{32}/.exec(first.stderr())?.[0];
    expect(key).toBeTruthy();
    const health = await (await fetch(first.url)).json();
    expect(health).toMatchObject({ operation: 'health', limits: { rate_limit_per_minute: 1000 } });
    const r = await fetch(`${first.url}/v1/compress`, { method: 'POST', headers: { 'x-api-key': key!, 'content-type': 'application/json' }, body: '{"data":{"a":1}}' });
    expect(r.status).toBe(200);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const lines = first.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.url === first.url)).toBe(true);
    expect(first.stdout()).not.toContain(key!);

    const second = await serve(['--data', dataDir]);
    try {
      expect(second.stderr()).not.toContain('kzk_');
    } finally {
      second.child.kill('SIGINT');
      expect((await second.exited).code).toBe(0);
    }
  });

  it('names the store it uses, and explains a port already in use', async () => {
    const dataDir = tempDir();
    const first = await serve(['--data', dataDir]);
    try {
      expect(first.stderr()).toContain(`listening on ${first.url} (sqlite ${join(dataDir, 'kaizen.db')})`);
      const port = new URL(first.url).port;
      const second = await kaizen(['serve', '--port', port, '--data', dataDir]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/EADDRINUSE.*\nAnother process \(perhaps another kaizen serve\) already listens there: stop it, or pick another port with --port N/);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });

  it('--anonymous-loopback lets keyless loopback requests in as tenant "local" and says so in health', async () => {
    const server = await serve(['--data', tempDir(), '--anonymous-loopback']);
    try {
      expect((await (await fetch(server.url)).json()).auth.anonymous_loopback).toBe(true);
      const r = await fetch(`${server.url}/v1/prompts/encode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":{"x":1}}' });
      expect(r.status).toBe(200);
      // A wrong key is still refused: anonymity is only for requests without one.
      expect((await fetch(`${server.url}/v1/compress`, { method: 'POST', headers: { 'x-api-key': 'kzk_nope', 'content-type': 'application/json' }, body: '{"data":1}' })).status).toBe(401);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('refuses a bad setting with a clear message', async () => {
    const r = await kaizen(['serve', '--port', '70000', '--data', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port');
  });
});
