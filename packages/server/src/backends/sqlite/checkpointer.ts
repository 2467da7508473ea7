/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever
 * commit crosses the threshold (1000 pages): it copies the log into the database file and
 * fsyncs it, about 11 µs a page here, a 10–20 ms stall of the request thread several times a
 * second under load. Here a worker thread with its own connection checkpoints instead
 * (PASSIVE: it never blocks the writer), and the request thread's connection has automatic
 * checkpoints turned off.
 *
 * Under steady writes a PASSIVE checkpoint alone never lets the log start over: frames keep
 * arriving while it runs, and SQLite restarts the log only when a write begins with every frame
 * already copied. Forcing it (RESTART) takes the write lock for the whole copy, and the request
 * thread waited on that lock for 10–25 ms twice a second. So once the log passes
 * RESET_ABOVE_FRAMES, the worker makes a second, short pass over what arrived during the first
 * and then asks the request thread to copy the few frames left; the request thread's next
 * commit then starts the log from the beginning. That last step cost the request thread 1–18 ms
 * (mostly the two fsyncs of a checkpoint), once per 64 MiB of log: about every 1.5 s at 4,000
 * stored prompts a second.
 *
 * Durability is unchanged: a commit is complete once its frames are in the WAL; checkpointing
 * only moves committed pages into the main file. If the worker fails, automatic checkpoints
 * are turned back on for the request connection, so the log never grows without bound.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './db.js';

/** How often the worker checkpoints. */
const INTERVAL_MS = 100;
/** Log frames (4 KiB pages, so 64 MiB) above which the request thread is asked to finish a checkpoint so the log starts over. */
const RESET_ABOVE_FRAMES = 16_384;
/** Size the WAL file is truncated back to after a restart (above RESET_ABOVE_FRAMES, so it is rarely truncated). */
const WAL_SIZE_LIMIT_BYTES = 80 * 1024 * 1024;

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
    if (result && result.log > workerData.resetAboveFrames) {
      // Copy what arrived during that pass too, then leave only the last few frames to the writer.
      db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage('finish');
    }
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

export interface CheckpointerOptions {
  /** How often the worker checkpoints. Default 100 ms. */
  intervalMs?: number;
  /** Log frames past which the log is made to start over. Default 16,384 (64 MiB). */
  resetAboveFrames?: number;
}

/** Moves checkpoints of `db` (file `file`) to a worker thread. */
export function startCheckpointer(db: Db, file: string, options: CheckpointerOptions = {}): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      file,
      intervalMs: options.intervalMs ?? INTERVAL_MS,
      resetAboveFrames: options.resetAboveFrames ?? RESET_ABOVE_FRAMES,
      walSizeLimit: WAL_SIZE_LIMIT_BYTES,
    },
  });
  worker.unref();
  worker.on('message', () => {
    // Between two commits: copy the frames the worker's passes left, so the next commit restarts the log.
    try {
      if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy (the worker is mid-pass) or failing: the worker asks again after its next pass.
    }
  });
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
