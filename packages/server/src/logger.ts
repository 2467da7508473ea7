/** JSON logs (pino) with credentials redacted wherever they could appear. */
import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config.js';

/** Paths pino censors in every log line. */
export const REDACTED_PATHS = [
  'headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'apiKey',
  'key',
  '*.apiKey',
];

export function createLogger(config: Pick<ServerConfig, 'logLevel' | 'logDestination'>): Logger {
  // Asynchronous stdout: a request never waits on the terminal. Flushed on shutdown.
  const destination = config.logDestination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 });
  return pino(
    {
      level: config.logLevel,
      base: { service: 'kaizen' },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Flushes buffered log lines (on shutdown). */
export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // The destination may already be closed.
  }
}
