#!/usr/bin/env node
// The file npm links as the `kaizen` command. It is committed (dist/ is not) because npm links a
// bin only when its file exists at install time, and `npm ci` runs before `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    `kaizen: the CLI is not built yet (${fileURLToPath(built)} is missing).\n` +
      'Run `npm run build` in the repository root, then run the command again.\n',
  );
  process.exit(1);
}
await import(built.href);
