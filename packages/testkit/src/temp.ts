/** Temporary directories, all removed by one `removeTempDirs()` (an `afterAll` of the test file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs: string[] = [];

/** A fresh directory under the OS temp dir, named `kaizen-<label>-XXXXXX`. */
export function tempDir(label = 'test'): string {
  const dir = mkdtempSync(join(tmpdir(), `kaizen-${label}-`));
  dirs.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made so far. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) removeDir(dir);
}

/** Removes one directory now (a process that owns its data directory, on dispose). */
export function removeDir(dir: string): void {
  const at = dirs.indexOf(dir);
  if (at >= 0) dirs.splice(at, 1);
  rmSync(dir, { recursive: true, force: true });
}
