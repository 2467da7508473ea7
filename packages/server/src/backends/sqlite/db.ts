/**
 * Opens the embedded database (`<dataDir>/kaizen.db`) and brings its schema up to date.
 *
 * Durability: WAL journal, `synchronous=NORMAL` by default. A commit returns only after its
 * WAL frames were written to the operating system (write(2)), so once `put` resolves the
 * payload survives the server process dying in any way (`kill -9`, crash, OOM): the kernel
 * still holds the pages and writes them out. What NORMAL does not cover is the machine losing
 * power or the kernel crashing before those pages reach the disk: then the last commits (at
 * most the WAL since the last checkpoint's fsync) can be lost, never corrupted. `full` also
 * fsyncs the WAL on every commit (once per group-committed batch), which covers power loss at
 * the price of a disk flush on the request thread (~15% of the CPU of prompts.encode and the
 * main source of tail latency in our benchmark). Checkpoints run in a worker (checkpointer.ts).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BackendUnavailableError } from '../types.js';
import { REPLAY_RECORD_OVERHEAD_BYTES } from '../replay-size.js';

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
  // Payload rows are kilobytes each and their ids random: in a WITHOUT ROWID table every row
  // lives in the id b-tree, so inserts land on random pages and split them (twice the write
  // cost). A rowid table appends rows in order and indexes only the short ids.
  `CREATE TABLE payloads_by_rowid (
     id TEXT NOT NULL UNIQUE,
     tenant TEXT NOT NULL,
     encoded TEXT,
     original TEXT,
     metadata TEXT,
     meta TEXT,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   INSERT INTO payloads_by_rowid (id, tenant, encoded, original, metadata, meta, created_at, expires_at)
     SELECT id, tenant, encoded, original, metadata, meta, created_at, expires_at FROM payloads ORDER BY created_at;
   DROP TABLE payloads;
   ALTER TABLE payloads_by_rowid RENAME TO payloads;
   CREATE INDEX payloads_expires_at ON payloads (expires_at);`,
  // What each replay record counts toward its payload's byte budget (replayRecordBytes, shared
  // with Redis), kept with the record; rows written before are sized here the same way.
  `ALTER TABLE payload_replays ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
   UPDATE payload_replays SET bytes = COALESCE(length(CAST(replay_meta AS BLOB)), 0) + COALESCE(length(CAST(metadata AS BLOB)), 0) + ${REPLAY_RECORD_OVERHEAD_BYTES};`,
];

/** Opens (creating if needed) the database in `dataDir`. */
export function openDatabase(dataDir: string, synchronous: 'full' | 'normal' = 'normal'): Db {
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
