/**
 * A progress bar on stderr for long runs: many files, or inputs of several megabytes. Never
 * drawn when stderr is not a terminal (logs and pipes stay clean) or with KAIZEN_NO_PROGRESS set.
 */
import { createRequire } from 'node:module';

/**
 * cli-progress, loaded when a bar is drawn: loading it costs ~15 ms, and most runs (pipes,
 * small files) never draw one.
 */
const loadCliProgress = (): typeof import('cli-progress') => createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');

/** Inputs this large (in total) get a bar. */
export const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
/** This many files get a bar whatever their size. */
export const PROGRESS_MIN_FILES = 8;

/** Progress of a run, counted in bytes read. */
export interface Progress {
  /** `bytes` more were read (of `file`). */
  advance(bytes: number, file: string): void;
  stop(): void;
}

const NONE: Progress = { advance() {}, stop() {} };

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A bar over `totalBytes` (sizes known up front), or a no-op when none should be shown. */
export function createProgress(options: { totalBytes: number; files: number; enabled?: boolean }): Progress {
  const wanted = options.files >= PROGRESS_MIN_FILES || options.totalBytes >= PROGRESS_MIN_BYTES;
  const allowed = options.enabled !== false && process.stderr.isTTY === true && !process.env['KAIZEN_NO_PROGRESS'];
  if (!wanted || !allowed || options.totalBytes <= 0) return NONE;
  const cliProgress = loadCliProgress();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: (opts, params, payload: { done: string; file: string }) => {
        const width = opts.barsize ?? 30;
        const filled = Math.round(params.progress * width);
        const percent = `${Math.floor(params.progress * 100)}`.padStart(3);
        return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent}% ${payload.done}/${human(params.total)} ${payload.file}`;
      },
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  bar.start(options.totalBytes, 0, { done: human(0), file: '' });
  return {
    advance(bytes, file) {
      done += bytes;
      bar.update(Math.min(done, options.totalBytes), { done: human(done), file });
    },
    stop() {
      bar.stop();
    },
  };
}
