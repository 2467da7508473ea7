/**
 * The KTOF codec as it was at a git ref, bundled into a temporary file and imported, so a
 * benchmark can time the old and the new codec side by side in one process on the same data.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export type Codec = typeof import('@kaizen/ktof');

/**
 * Imports packages/ktof/src as of `ref` (a commit, branch or tag of this repository), or as it is
 * in the working tree when `ref` is undefined. Both sides of a comparison are bundled the same
 * way (one ES2022 module, not minified), so the build cannot favour either.
 */
export async function codecAt(ref: string | undefined): Promise<Codec> {
  const dir = mkdtempSync(join(tmpdir(), 'ktof-baseline-'));
  try {
    let src = 'packages/ktof/src';
    if (ref !== undefined) {
      const archive = execFileSync('git', ['archive', ref, src], { maxBuffer: 64 * 1024 * 1024 });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
      src = join(dir, src);
    }
    const outfile = join(dir, 'ktof.mjs');
    await build({ entryPoints: [join(src, 'index.ts')], bundle: true, format: 'esm', target: 'es2022', platform: 'neutral', outfile, logLevel: 'error' });
    return (await import(pathToFileURL(outfile).href)) as Codec;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
