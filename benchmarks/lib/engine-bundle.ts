/**
 * The operations (@kaizen/core with the packages it builds on) as they were at a git ref, or as
 * they are in the working tree, bundled into one ES module, so a benchmark can time the old and
 * the new engine side by side in one run on the same requests. Third-party packages (tokenizers,
 * zod) stay imports: the bundle is written under node_modules/.cache so both sides load the same
 * installed copies.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export type EngineModule = typeof import('@kaizen/core');

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BUNDLED = ['ktof', 'tokens', 'prompt', 'protocol', 'core'];

/** A temporary directory the caller removes, where node resolves the repository's node_modules. */
export function bundleDir(): string {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(join(cache, 'engine-bundle-'));
}

/** Bundles packages/{ktof,tokens,prompt,protocol,core}/src at `ref` (undefined: the working tree) into `dir`; returns the file. */
export async function bundleEngine(ref: string | undefined, dir: string): Promise<string> {
  let root = ROOT;
  if (ref !== undefined) {
    const archive = execFileSync('git', ['archive', ref, ...BUNDLED.map((p) => `packages/${p}/src`)], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    root = join(dir, 'ref');
    mkdirSync(root, { recursive: true });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
  }
  const workspace: Plugin = {
    name: 'workspace-sources',
    setup(b) {
      b.onResolve({ filter: /^@kaizen\// }, (args) => {
        // `@kaizen/prompt` is src/index.ts; a subpath export such as `@kaizen/prompt/constructs` is src/constructs.ts.
        const [name, module = 'index'] = args.path.slice('@kaizen/'.length).split(/\/(.*)/s) as [string, string?];
        if (!BUNDLED.includes(name)) throw new Error(`${args.path} is not bundled`);
        return { path: join(root, 'packages', name, 'src', `${module}.ts`) };
      });
      b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@kaizen/') ? undefined : { path: args.path, external: true }));
    },
  };
  const outfile = join(dir, ref === undefined ? 'engine-now.mjs' : 'engine-baseline.mjs');
  await build({
    stdin: { contents: "export * from '@kaizen/core';", resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'node',
    outfile,
    plugins: [workspace],
    logLevel: 'error',
  });
  return outfile;
}
