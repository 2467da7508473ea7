/**
 * Leveled logging through any console-like logger, with secrets redacted before anything
 * reaches it. `KAIZEN_LOG` (off|error|warn|info|debug) sets the level from the environment.
 */

/** The logger contract: `console` satisfies it, and so do pino and winston. */
export interface KaizenLogger {
  error(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
}

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** True for a known level name (case-insensitive). */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in RANK;
}

/** Headers whose values never reach a log line. */
const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** A copy of `headers` with secret values replaced by `***`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '***' : value;
  return out;
}

/** A logger that drops lines below `level` and prefixes the rest with `[kaizen]`. */
export class LevelLogger {
  constructor(
    private readonly sink: KaizenLogger,
    readonly level: LogLevel,
  ) {}

  enabled(level: Exclude<LogLevel, 'off'>): boolean {
    return RANK[level] <= RANK[this.level];
  }

  error(message: string, data?: Record<string, unknown>): void {
    if (this.enabled('error')) this.sink.error(`[kaizen] ${message}`, ...(data ? [data] : []));
  }
  warn(message: string, data?: Record<string, unknown>): void {
    if (this.enabled('warn')) this.sink.warn(`[kaizen] ${message}`, ...(data ? [data] : []));
  }
  info(message: string, data?: Record<string, unknown>): void {
    if (this.enabled('info')) this.sink.info(`[kaizen] ${message}`, ...(data ? [data] : []));
  }
  debug(message: string, data?: Record<string, unknown>): void {
    if (this.enabled('debug')) this.sink.debug(`[kaizen] ${message}`, ...(data ? [data] : []));
  }
}
