/**
 * Exit codes and the one error type commands throw. Every failure reaches the user as one line
 * on stderr (`kaizen <command>: <message>` or `file:line:column: message`), never a stack trace.
 */

/** The documented exit codes of every `kaizen` command. */
export const ExitCode = {
  /** Everything worked. */
  OK: 0,
  /** Bad input data: invalid JSON or KTOF, an unreadable file, a value KTOF cannot hold. */
  DATA: 1,
  /** The command line itself is wrong: unknown flag, bad option value, missing argument. */
  USAGE: 2,
  /** A Kaizen server (`--remote`) could not be reached or refused the request. */
  REMOTE: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The `--help` footer listing the exit codes. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  data error (invalid JSON or KTOF, unreadable file); messages read file:line:column: message
  2  usage error (unknown option, bad option value, missing argument)
  3  remote error (--remote server unreachable, key refused, server failure)`;

/** A failure with the exit code it maps to. `location` (file:line:column) prefixes the message when known. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly location?: string,
  ) {
    super(message);
  }

  /** The line printed on stderr. */
  format(command: string): string {
    return this.location ? `${this.location}: ${this.message}` : `kaizen ${command}: ${this.message}`;
  }
}

/** A usage error (exit 2). */
export const usageError = (message: string): CliError => new CliError(message, ExitCode.USAGE);

/** A data error at `file:line:column` (exit 1). */
export const dataError = (message: string, file?: string, line?: number, column?: number): CliError =>
  new CliError(message, ExitCode.DATA, file === undefined ? undefined : line === undefined ? file : `${file}:${line}:${column ?? 1}`);
