/** Running a command: one error line per failure, the right exit code, no stack traces. */
import { CliError, ExitCode } from './exit.js';

/** Prints `error` for `command` and records its exit code (the first failure's code wins). */
export function report(command: string, error: unknown): void {
  const failure = error instanceof CliError ? error : new CliError(`unexpected failure: ${(error as Error)?.message ?? String(error)}`, ExitCode.DATA);
  process.stderr.write(`${failure.format(command)}\n`);
  if (!process.exitCode) process.exitCode = failure.exitCode;
}

/** Wraps a commander action so any failure is reported instead of thrown. */
export function action<A extends unknown[]>(command: string, fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      report(command, error);
    }
  };
}

/**
 * Runs `work` on each item in order and returns the failures. A data error belongs to its own
 * file, so the rest go on; a usage or remote error stops the run (every later item would fail
 * the same way).
 */
export async function eachInput<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const item of items) {
    try {
      await work(item);
    } catch (error) {
      failures.push(error);
      if (error instanceof CliError && error.exitCode !== ExitCode.DATA) break;
    }
  }
  return failures;
}
