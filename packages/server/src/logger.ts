/** JSON logs (pino) with credentials redacted wherever they could appear. */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
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

const CENSOR = '[REDACTED]';

/** Request headers whose values never reach a log line. */
const SECRET_HEADERS = new Set(['x-api-key', 'x-kaizen-api-key', 'api-key', 'authorization', 'proxy-authorization', 'cookie']);

type LoggerConfig = Pick<ServerConfig, 'logLevel' | 'logDestination'>;

function options(config: LoggerConfig): LoggerOptions {
  return {
    level: config.logLevel,
    base: { service: 'kaizen' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** Longest a log line waits in the buffer: on a quiet server an error line must not sit there for minutes. */
export const LOG_FLUSH_INTERVAL_MS = 1_000;

const flushTimers = new WeakMap<Logger, ReturnType<typeof setInterval>>();

export function createLogger(config: LoggerConfig): Logger {
  // Asynchronous stdout: a request never waits on the terminal. Flushed every second and on shutdown.
  const destination = config.logDestination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino({ ...options(config), redact: { paths: REDACTED_PATHS, censor: CENSOR } }, destination);
  if (!config.logDestination) {
    const timer = setInterval(() => flushLogger(logger), LOG_FLUSH_INTERVAL_MS);
    timer.unref();
    flushTimers.set(logger, timer);
  }
  return logger;
}

/** Flushes and stops the periodic flush (the server is closing). */
export function closeLogger(logger: Logger): void {
  clearInterval(flushTimers.get(logger));
  flushLogger(logger);
}

/**
 * The access log: one line per request, written where `logger` writes and in the same format,
 * but without its redaction pass, which costs more than the rest of the line. Its lines carry
 * only fields the app picks, and headers only through `loggableHeaders`.
 */
export function createAccessLogger(config: LoggerConfig, logger: Logger): Logger {
  return pino(options(config), (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym]);
}

/** Request headers as a plain object, credentials censored (debug access lines). */
export function loggableHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = SECRET_HEADERS.has(name) ? CENSOR : value;
  });
  return out;
}

/** Flushes buffered log lines (on shutdown). */
export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // The destination may already be closed.
  }
}
