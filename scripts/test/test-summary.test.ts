import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs the real vitest on `files` in a temp directory, then the summary on its JSON report. */
function summarise(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'kaizen-summary-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const vitest = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--globals', '--reporter=json', '--outputFile=report.json'], { cwd: dir, encoding: 'utf8' });
  const summary = spawnSync(process.execPath, [join(root, 'scripts', 'test-summary.mjs'), 'report.json', String(vitest.status)], { cwd: dir, encoding: 'utf8' });
  return { line: summary.stdout.trim(), stderr: summary.stderr, status: summary.status };
}

describe('the closing line of npm test', () => {
  it('counts a test file that failed to run as a failure, next to failed tests', () => {
    const { line, stderr, status } = summarise({
      'broken.test.mjs': 'throw new Error("boom at import");\n',
      'mixed.test.mjs': 'test("ok", () => {});\ntest("bad", () => { throw new Error("no"); });\n',
      'fine.test.mjs': 'test("fine", () => {});\n',
    });
    expect(line).toBe('Tests: 2 passed, 2 failed');
    expect(stderr).toMatch(/test file failed to run: broken\.test\.mjs: boom at import/);
    expect(status).toBe(1);
  });

  it('fails when vitest failed although every test passed (an error left behind), or a setup timed out', () => {
    const late = summarise({ 'late.test.mjs': 'test("leaves a rejection behind", async () => { Promise.reject(new Error("late")); await new Promise((r) => setTimeout(r, 50)); });\n' });
    expect(late.line).toBe('Tests: 1 passed, 1 failed');
    expect(late.stderr).toMatch(/vitest exited with status 1/);
    expect(late.status).toBe(1);
    const setup = summarise({ 'setup.test.mjs': 'beforeAll(() => new Promise(() => {}), 200);\ntest("never runs", () => {});\n', 'fine.test.mjs': 'test("fine", () => {});\n' });
    expect(setup.line).toMatch(/^Tests: 1 passed, [1-9]\d* failed/);
    expect(setup.status).toBe(1);
  });

  it('passes when every file ran and every test passed', () => {
    const { line, status } = summarise({ 'fine.test.mjs': 'test("fine", () => {});\ntest.skip("later", () => {});\n' });
    expect(line).toBe('Tests: 1 passed, 0 failed, 1 skipped');
    expect(status).toBe(0);
  });
});
