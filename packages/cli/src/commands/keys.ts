import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openKeyStore, type KeyStore } from '@kaizen/server';

interface StoreFlags {
  data?: string;
  redis?: string;
}

const TENANT = /^[A-Za-z0-9._-]{1,64}$/;

function storeOptions(flags: StoreFlags) {
  return { dataDir: flags.data ?? process.env['KAIZEN_DATA_DIR'] ?? './data', redisUrl: flags.redis ?? (process.env['KAIZEN_REDIS_URL'] || undefined) };
}

/** A Redis URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}

/**
 * Opens the store the flags name and says on stderr which one it is, since a key created in the
 * wrong store is refused by the server. `mode: 'read'` refuses a SQLite store that does not
 * exist instead of creating it (a typo in --data must not leave a new, empty store behind).
 */
async function withStore<T>(flags: StoreFlags, mode: 'read' | 'create', fn: (store: KeyStore) => Promise<T>): Promise<T> {
  const options = storeOptions(flags);
  if (options.redisUrl) {
    process.stderr.write(`kaizen keys: using the Redis store ${redactedUrl(options.redisUrl)}\n`);
  } else {
    const file = resolve(options.dataDir, 'kaizen.db');
    const exists = existsSync(file);
    if (!exists && mode === 'read') {
      fail(`no Kaizen store at ${file}; pass the --data directory the server uses (it prints it when it starts; default ./data, env KAIZEN_DATA_DIR)`);
    }
    process.stderr.write(`kaizen keys: using the SQLite store ${file}${exists ? '' : ' (new: created now; the server must use this --data directory)'}\n`);
  }
  const store = await openKeyStore(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function fail(message: string, code = 1): never {
  process.stderr.write(`kaizen keys: ${message}\n`);
  process.exit(code);
}

const addStoreOptions = (command: Command) =>
  command
    .option('--data <dir>', 'data directory of the SQLite store (env KAIZEN_DATA_DIR, default ./data)')
    .option('--redis <url>', 'use the Redis store at this URL (env KAIZEN_REDIS_URL)');

/** `kaizen keys create|list|revoke`: manage API keys (stored only as SHA-256 hashes). */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Manage API keys of the Kaizen server');

  addStoreOptions(keys.command('create').description('Create an API key; prints the key alone on stdout (shown only once)'))
    .requiredOption('--tenant <name>', 'the account the key belongs to (letters, digits, . _ -)')
    .action(async (flags: StoreFlags & { tenant: string }) => {
      if (!TENANT.test(flags.tenant)) fail(`invalid tenant "${flags.tenant}": use 1-64 letters, digits, ".", "_" or "-".`, 2);
      const { key, record } = await withStore(flags, 'create', (store) => store.create(flags.tenant));
      process.stdout.write(`${key}\n`);
      process.stderr.write(`created ${record.id} for tenant ${record.tenant}\n`);
    });

  addStoreOptions(keys.command('list').description('List keys (id, tenant, prefix, created, revoked); never the keys themselves'))
    .option('--json', 'print JSON')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      const records = await withStore(flags, 'read', (store) => store.list());
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
        return;
      }
      if (records.length === 0) {
        process.stderr.write('no keys (create one with `kaizen keys create --tenant NAME`)\n');
        return;
      }
      const rows = records.map((r) => [r.id, r.tenant, `${r.prefix}…`, new Date(r.createdAt).toISOString(), r.revokedAt ? `revoked ${new Date(r.revokedAt).toISOString()}` : 'active']);
      const header = ['ID', 'TENANT', 'PREFIX', 'CREATED', 'STATUS'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
      for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    });

  addStoreOptions(keys.command('revoke').description('Revoke a key by its id (key_...) or by the key itself').argument('<id-or-key>'))
    .action(async (idOrKey: string, flags: StoreFlags) => {
      const revoked = await withStore(flags, 'read', (store) => store.revoke(idOrKey));
      if (!revoked) fail(`no active key matches "${idOrKey}"`);
      process.stderr.write('revoked\n');
    });
}
