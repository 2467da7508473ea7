/** Where output goes: stdout, or files written atomically (a failed run leaves no half-written file). */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { usageError } from '../exit.js';
import type { Source } from './input.js';

/** Writes `text` to stdout, waiting for the pipe to drain. A closed pipe (`| head`) ends quietly. */
export async function writeStdout(text: string): Promise<void> {
  if (text.length === 0) return;
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(text, (error) => (error && (error as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(error) : resolve()));
  });
}

/** Writes `text` to `path` through a temporary file renamed into place. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text);
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

/** Refuses two inputs that would be written to the same output file. */
export function assertDistinctOutputs(targets: readonly { source: Source; target: string }[]): void {
  const seen = new Map<string, string>();
  for (const { source, target } of targets) {
    const other = seen.get(target);
    if (other !== undefined) throw usageError(`${other} and ${source.name} would both be written to ${target}; convert them into different --out-dir folders`);
    if (source.path !== undefined && target === join(dirname(source.path), basename(source.path))) {
      throw usageError(`${source.name} would be overwritten by its own output`);
    }
    seen.set(target, source.name);
  }
}
