#!/usr/bin/env node
// Builds every workspace package in dependency order with the native TypeScript compiler,
// then bundles the codec for browsers (dist/ktof.min.js). `--noEmit` only type-checks.
//
// The build is incremental, so `npm start` is quick when nothing changed: tsc keeps its build
// info in each package's dist/ (deleting dist/ forces a full build), and a package is not even
// handed to tsc when none of its inputs (src/, tsconfig, package.json, the base tsconfig, the
// lockfile) nor any package built before it changed since its last successful build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// testkit (the private test helpers) imports no package and nothing imports it: it comes last so an
// edit to it rebuilds nothing else, and it is only type-checked (its tsconfig says noEmit; vitest
// runs its TypeScript).
const order = ['ktof', 'tokens', 'prompt', 'protocol', 'core', 'server', 'sdk', 'cli', 'testkit'];
const noEmit = process.argv.includes('--noEmit');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Newest modification time (ms) of a file or, recursively, of a directory and everything in it. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted or renamed file shows only here
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Modification time of a package's last successful build (0: never built). */
const builtAt = (stamp) => (existsSync(stamp) ? statSync(stamp).mtimeMs : 0);

let upstreamBuiltAt = 0;
let codecBuilt = false;
for (const name of order) {
  const dir = join(root, 'packages', name);
  const project = join(dir, 'tsconfig.json');
  if (!existsSync(project)) continue;
  if (noEmit) {
    run(tsc, ['-p', project, '--noEmit']);
    continue;
  }
  const stamp = join(dir, 'dist', '.tsbuildinfo');
  // The lockfile stands for the installed dependencies, whose types the package compiles against.
  const inputs = Math.max(newest(join(dir, 'src')), newest(project), newest(join(dir, 'package.json')), newest(join(root, 'tsconfig.base.json')), newest(join(root, 'package-lock.json')));
  const last = builtAt(stamp);
  if (last === 0 || inputs > last || upstreamBuiltAt > last) {
    const result = spawnSync(tsc, ['-p', project, '--incremental', '--tsBuildInfoFile', stamp], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      // tsc may have written its build info anyway: date it back so the next run builds again.
      if (existsSync(stamp)) utimesSync(stamp, new Date(0), new Date(0));
      process.exit(result.status ?? 1);
    }
    // tsc leaves its build info untouched when nothing needed emitting; the stamp must still
    // say "built after every input", or this package would be handed to tsc on every run.
    const now = new Date();
    utimesSync(stamp, now, now);
    if (name === 'ktof') codecBuilt = true;
  }
  upstreamBuiltAt = Math.max(upstreamBuiltAt, builtAt(stamp));
}

if (!noEmit) {
  const bundle = join(root, 'packages/ktof/dist/ktof.min.js');
  if (codecBuilt || !existsSync(bundle)) {
    const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
    run(esbuild, [
      join(root, 'packages/ktof/src/index.ts'),
      '--bundle', '--minify', '--format=esm', '--platform=browser', '--target=es2020',
      `--outfile=${bundle}`, '--log-level=warning',
    ]);
  }
  const extra = join(root, 'scripts', 'build-extra.mjs');
  if (existsSync(extra)) run(process.execPath, [extra]);
}
