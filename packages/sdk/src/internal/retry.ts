/**
 * Retry policy: which failures are worth another attempt, and how long to wait before it.
 * Pure functions, so the policy is tested without a network.
 */

/** Statuses that may succeed on a later attempt: timeouts, conflicts, rate limits, server faults. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface BackoffPolicy {
  /** First delay ceiling, seconds. */
  baseDelay: number;
  /** Largest computed delay, seconds. */
  maxDelay: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelay: 0.5, maxDelay: 8 };

/**
 * Exponential backoff with full jitter: uniform in [0, min(maxDelay, base * 2^retry)].
 * Full jitter spreads a thundering herd of clients best (AWS architecture blog's result).
 * `retry` counts from 0 for the first retry. Returns milliseconds.
 */
export function backoffDelayMs(retry: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** retry);
  return Math.round(random() * ceiling * 1000);
}

/**
 * The server's wait hint in milliseconds: `retry-after-ms`, then `Retry-After` as seconds
 * or as an HTTP date. Undefined when absent or unparseable. Never negative.
 */
export function retryAfterMs(headers: { get(name: string): string | null }, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Sleeps `ms`, waking early (rejecting with the signal's reason) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
