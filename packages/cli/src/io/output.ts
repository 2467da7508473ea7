/** Where output goes: stdout, or files written atomically (a failed run leaves no half-written file). */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { usageError } from '../exit.js';
import type { Source } from './input.js';

/**
 * Writes `texts` to stdout one after the other, waiting for the pipe to drain. Pieces, not one
 * string: `result + "\n"` would copy a result of tens of megabytes. A closed pipe (`| head`)
 * ends quietly.
 */
export async function writeStdout(...texts: string[]): Promise<void> {
  for (const text of texts) {
    if (text.length === 0) continue;
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error && (error as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(error) : resolve()));
    });
  }
}

/** Writes `texts`, one after the other, to `path` through a temporary file renamed into place. */
export async function writeFileAtomic(path: string, ...texts: string[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, texts);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** `dir/name.json` -> `name.<ext>` in `outDir` (or next to the input when `outDir` is undefined). */
export function outputPathFor(source: Source, extension: string, outDir: string | undefined): string {
  const path = source.path ?? 'stdin';
  const stem = basename(path, extname(path));
  return join(outDir ?? dirname(path), `${stem}${extension}`);
}

/** The path with every symlink resolved; for a file that does not exist yet, its folder's. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Refuses, before anything runs, an output that is one of the inputs (compared by real path,
 * so `-o ./x.json`, an absolute path or a symlink to the input are caught too) and two inputs
 * that would be written to the same output file.
 */
export function assertSafeOutputs(jobs: readonly { source: Source; target: string | undefined }[]): void {
  const inputs = new Map<string, string>();
  for (const { source } of jobs) if (source.path !== undefined) inputs.set(realPath(source.path), source.name);
  const seen = new Map<string, string>();
  for (const { source, target } of jobs) {
    if (target === undefined) continue;
    const real = realPath(target);
    const input = inputs.get(real);
    if (input !== undefined) {
      throw usageError(input === source.name ? `${target} is the input ${input}: writing it would destroy the input; choose another output` : `${target} is the input ${input}: choose another output`);
    }
    const other = seen.get(real);
    if (other !== undefined) throw usageError(`${other} and ${source.name} would both be written to ${target}; convert them into different --out-dir folders`);
    seen.set(real, source.name);
  }
}
