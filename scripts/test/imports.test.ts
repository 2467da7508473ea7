/**
 * The module graph inside each package has no circles, type-only imports included: a circle
 * means two modules each need the other, and the shared part belongs in a module of its own
 * (each package keeps its shared types in one place, e.g. `types.ts`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packagesDir = join(root, 'packages');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of a module, as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)) {
    out.push(resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
  }
  return out;
}

/** One circle per strongly connected component found by a depth-first walk, as module paths. */
function circles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') found.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

it('no package has an import circle among its modules', () => {
  const found: string[] = [];
  for (const name of readdirSync(packagesDir)) {
    const src = join(packagesDir, name, 'src');
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const circle of circles(sources(src))) found.push(circle.map((f) => relative(root, f)).join(' -> '));
  }
  expect(found).toEqual([]);
});

/**
 * A package's tests use only packages below it in the build order (scripts/build.mjs), so a
 * package can be tested after building it and what it depends on, and a failure points at the
 * package itself. Tests across packages (fleets, the CLI's processes) live in e2e/. The test kit
 * sits below everything, but its helpers that run the built `kaizen` CLI count as the CLI.
 */
const buildOrder = (() => {
  const script = readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8');
  const list = /const order = \[([^\]]+)\]/.exec(script)?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1] as string).filter((name) => name !== 'testkit');
})();

/** Exports of @kaizen/testkit that start the built CLI: only the CLI's tests and e2e/ may use them. */
const CLI_HELPERS = new Set(['KAIZEN_BIN', 'kaizen', 'serve', 'KaizenProcess', 'createKey', 'revokeKey']);

/** Imports in `text` (a test file of package `pkg`, at `file`) that reach a package above `pkg`. */
function upwardImports(pkg: string, file: string, text: string): string[] {
  const rank = buildOrder.indexOf(pkg);
  const above = (name: string) => buildOrder.indexOf(name) > rank;
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'([^']+)'/gm)) {
    const spec = m[1] as string;
    const scoped = /^@kaizen\/([^/]+)/.exec(spec)?.[1];
    if (scoped && above(scoped)) found.push(spec);
    if (spec.startsWith('.')) {
      const target = relative(root, resolve(dirname(file), spec)).split('/');
      if (target[0] === 'e2e' || (target[0] === 'packages' && above(target[1] as string))) found.push(spec);
    }
  }
  if (above('cli')) {
    // Below the CLI: no helper that runs its build, and no path to it.
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@kaizen\/testkit'/g)) {
      for (const name of (m[1] as string).split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0])) {
        if (name && CLI_HELPERS.has(name)) found.push(`@kaizen/testkit ${name}`);
      }
    }
    if (/cli\/dist\//.test(text)) found.push('cli/dist/');
  }
  return found;
}

it('a package\'s tests import no package above it in the build order (cross-package tests are in e2e/)', () => {
  expect(buildOrder).toEqual(['ktof', 'tokens', 'prompt', 'protocol', 'core', 'server', 'sdk', 'cli']);
  const found: string[] = [];
  for (const pkg of buildOrder) {
    const tests = join(packagesDir, pkg, 'test');
    try {
      statSync(tests);
    } catch {
      continue;
    }
    for (const file of sources(tests)) {
      for (const spec of upwardImports(pkg, file, readFileSync(file, 'utf8'))) found.push(`${relative(root, file)}: ${spec}`);
    }
  }
  expect(found).toEqual([]);
});

it('the upward-import check catches each way a test can reach up', () => {
  const file = join(packagesDir, 'server', 'test', 'x.test.ts');
  const text = [
    "import { kaizen } from '@kaizen/sdk';",
    "import { KaizenProcess, tempDir } from '@kaizen/testkit';",
    "import { BIN } from '../../cli/test/helpers.js';",
    "import { samplePrompt } from '../../../e2e/helpers.js';",
    "const { main } = await import('@kaizen/cli');",
    "const bin = 'packages/cli/dist/bin.js';",
    "import { encode } from '@kaizen/ktof';",
    "import { startServer } from '../src/index.js';",
  ].join('\n');
  expect(upwardImports('server', file, text)).toEqual(['@kaizen/sdk', '../../cli/test/helpers.js', '../../../e2e/helpers.js', '@kaizen/cli', '@kaizen/testkit KaizenProcess', 'cli/dist/']);
  expect(upwardImports('cli', join(packagesDir, 'cli', 'test', 'x.test.ts'), text)).toEqual(['../../../e2e/helpers.js']);
});

it('the test kit imports no Kaizen package, so every package may use it', () => {
  const found = sources(join(packagesDir, 'testkit', 'src')).filter((file) => /from\s+'@kaizen\//.test(readFileSync(file, 'utf8')));
  expect(found.map((file) => relative(root, file))).toEqual([]);
});
