/**
 * The KTOF codec as it was at a git ref, bundled into a temporary file, so a benchmark can time
 * the old and the new codec side by side in one run on the same data.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export type Codec = typeof import('@kaizen/ktof');

/**
 * Bundles packages/ktof/src as of `ref` (a commit, branch or tag of this repository), or as it
 * is in the working tree when `ref` is undefined, into one ES module and returns its path (in a
 * temporary directory the caller removes). Both sides of a comparison are bundled the same way
 * (ES2022, not minified), so the build cannot favour either.
 */
export async function bundleCodec(ref: string | undefined, dir = mkdtempSync(join(tmpdir(), 'ktof-baseline-'))): Promise<string> {
  let src = 'packages/ktof/src';
  if (ref !== undefined) {
    const archive = execFileSync('git', ['archive', ref, src], { maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    src = join(dir, src);
  }
  const outfile = join(dir, ref === undefined ? 'ktof-now.mjs' : 'ktof-baseline.mjs');
  await build({ entryPoints: [join(src, 'index.ts')], bundle: true, format: 'esm', target: 'es2022', platform: 'neutral', outfile, logLevel: 'error' });
  return outfile;
}
