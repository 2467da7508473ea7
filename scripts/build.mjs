#!/usr/bin/env node
// Builds every workspace package in dependency order with the native TypeScript compiler,
// then bundles the codec for browsers (dist/ktof.min.js). `--noEmit` only type-checks.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const order = ['ktof', 'tokens', 'prompt', 'protocol', 'core', 'server', 'sdk', 'cli'];
const noEmit = process.argv.includes('--noEmit');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

for (const name of order) {
  const project = join(root, 'packages', name, 'tsconfig.json');
  if (!existsSync(project)) continue;
  run(tsc, ['-p', project, ...(noEmit ? ['--noEmit'] : [])]);
}

if (!noEmit) {
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  run(esbuild, [
    join(root, 'packages/ktof/src/index.ts'),
    '--bundle', '--minify', '--format=esm', '--platform=browser', '--target=es2020',
    `--outfile=${join(root, 'packages/ktof/dist/ktof.min.js')}`, '--log-level=warning',
  ]);
  const extra = join(root, 'scripts', 'build-extra.mjs');
  if (existsSync(extra)) run(process.execPath, [extra]);
}
