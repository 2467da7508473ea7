// The first minutes of a new user: the `kaizen` bin npm links before the build, `npm start`
// without a rebuild when nothing changed, and signals that reach the server it starts.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-first-run-'));
  dirs.push(dir);
  return dir;
}

describe('the kaizen bin', () => {
  it('is a committed file, so npm ci links it before anything is built', () => {
    const bin = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')).bin.kaizen as string;
    const tracked = execFileSync('git', ['ls-files', '--error-unmatch', join('packages/cli', bin)], { cwd: root, encoding: 'utf8' });
    expect(tracked.trim()).toBe(join('packages/cli', bin).replace(/^\.\//, '').replace('/./', '/'));
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    expect(join('packages/cli', lock.packages['packages/cli'].bin.kaizen)).toBe(join('packages/cli', bin));
    expect(statSync(join(root, 'packages/cli', bin)).mode & 0o111).not.toBe(0);
  });

  it('runs the build, and says to build first when the build is missing', () => {
    const built = spawnSync(process.execPath, [join(root, 'packages/cli/bin/kaizen.js'), 'encode'], { input: '{"a":[1,2]}', encoding: 'utf8' });
    expect(built.stdout).toBe('a: [1,2]\n');
    const fresh = tempDir();
    mkdirSync(join(fresh, 'bin'));
    copyFileSync(join(root, 'packages/cli/bin/kaizen.js'), join(fresh, 'bin/kaizen.js'));
    const unbuilt = spawnSync(process.execPath, [join(fresh, 'bin/kaizen.js'), 'keys', 'create'], { encoding: 'utf8' });
    expect(unbuilt.status).toBe(1);
    expect(unbuilt.stdout).toBe('');
    expect(unbuilt.stderr).toMatch(/not built yet .*dist\/bin\.js is missing.*\nRun `npm run build`/);
  });
});

describe('npm start', () => {
  it('builds nothing when nothing changed, and SIGTERM to npm stops the server it started', async () => {
    const stamps = () => readdirSync(join(root, 'packages')).flatMap((name) => {
      try {
        return [`${name} ${statSync(join(root, 'packages', name, 'dist', '.tsbuildinfo')).mtimeMs}`];
      } catch {
        return [];
      }
    });
    spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root });
    const before = stamps();
    expect(before.length).toBeGreaterThanOrEqual(8);

    const npm = spawn('npm', ['start', '--silent', '--', '--port', '0', '--data', tempDir(), '--log-level', 'warn'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      npm.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`npm start exited with ${code}: ${stderr}`)));
    });
    expect(stamps()).toEqual(before);
    expect((await fetch(url)).status).toBe(200);

    npm.kill('SIGTERM');
    await exited;
    // The server drained and closed: nothing answers on its port any more.
    await expect(fetch(url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
