/**
 * Opens the embedded database (`<dataDir>/kaizen.db`) and brings its schema up to date.
 *
 * Durability: WAL journal. With `synchronous=FULL` (the default) every commit is fsynced
 * before `put` resolves, so an acknowledged payload survives a process kill *and* a power
 * loss; the store batches concurrent writes into one transaction (group commit) so the fsync
 * is paid once per batch, not once per request. `synchronous=NORMAL` with WAL still survives
 * `kill -9` (committed pages are in the OS page cache) but may lose the last commits on power loss.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackendUnavailableError } from '../types.js';

export type Db = Database.Database;

const MIGRATIONS: string[] = [
  `CREATE TABLE payloads (
     id TEXT PRIMARY KEY,
     tenant TEXT NOT NULL,
     encoded TEXT,
     original TEXT,
     metadata TEXT,
     meta TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX payloads_expires_at ON payloads (expires_at);
   CREATE TABLE payload_replays (
     payload_id TEXT NOT NULL,
     tenant TEXT NOT NULL,
     at INTEGER NOT NULL,
     request_id TEXT NOT NULL,
     replay_meta TEXT,
     metadata TEXT
   );
   CREATE INDEX payload_replays_payload ON payload_replays (payload_id);
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     tenant TEXT NOT NULL,
     hash TEXT NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   );`,
];

/** Opens (creating if needed) the database in `dataDir`. */
export function openDatabase(dataDir: string, synchronous: 'full' | 'normal' = 'full'): Db {
  let db: Db;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'kaizen.db'));
  } catch (error) {
    throw new BackendUnavailableError(`Cannot open the database in ${dataDir}: ${(error as Error).message}`, { cause: error });
  }
  // A CLI `kaizen keys ...` may write while the server runs: wait instead of failing.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // Read the schema version inside the write transaction: two processes opening a new data
  // directory at once (server and `kaizen keys`) must not both run the same migration.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  return db;
}

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|PROTOCOL)/;

/** Runs `fn`, turning engine-level SQLite failures into BackendUnavailableError (503). */
export function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE.test(code)) throw new BackendUnavailableError(`SQLite unavailable (${code})`, { cause: error });
    if (error instanceof TypeError && /database connection is not open/.test(error.message)) throw new BackendUnavailableError('SQLite is closed', { cause: error });
    throw error;
  }
}
