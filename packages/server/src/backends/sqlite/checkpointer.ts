/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever
 * commit crosses the threshold (1000 pages): it copies the log into the database file and
 * fsyncs it, a 10–20 ms stall of the request thread several times a second under load. Here a
 * worker thread with its own connection checkpoints instead (PASSIVE: it never blocks the
 * writer), and the request thread's connection has automatic checkpoints turned off.
 *
 * Durability is unchanged: a commit is complete once its frames are in the WAL; checkpointing
 * only moves committed pages into the main file. If the worker fails, automatic checkpoints
 * are turned back on for the request connection, so the log never grows without bound.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './db.js';

/** How often the worker checkpoints. */
const INTERVAL_MS = 200;
/** WAL pages above which the worker waits for a quiet moment to restart the log (bounds its size). */
const RESTART_ABOVE_PAGES = 4_096;
/** Size the WAL file is truncated back to after a restart. */
const WAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;

// Runs as CommonJS in the worker (eval), so it works from src under a test runner and from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('journal_size_limit = ' + workerData.walSizeLimit);
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    // A log the writer never lets go of: restart it (waits on the busy timeout, rarely).
    if (result && result.log > workerData.restartAbovePages) db.pragma('wal_checkpoint(RESTART)');
  } catch (error) {
    if (!/SQLITE_BUSY|SQLITE_LOCKED/.test(String(error && error.code))) throw error;
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A running checkpointer; `close()` stops it and waits for its connection to close. */
export interface Checkpointer {
  close(): Promise<void>;
}

/** Moves checkpoints of `db` (file `file`) to a worker thread. */
export function startCheckpointer(db: Db, file: string): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs: INTERVAL_MS, restartAbovePages: RESTART_ABOVE_PAGES, walSizeLimit: WAL_SIZE_LIMIT_BYTES } });
  worker.unref();
  const fallBack = () => {
    // The worker is gone: the request connection checkpoints for itself again.
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  worker.once('error', fallBack);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        worker.postMessage('close');
        const timeout = setTimeout(() => void worker.terminate(), 2_000);
        await exited;
        clearTimeout(timeout);
        fallBack();
      })();
      return closing;
    },
  };
}
