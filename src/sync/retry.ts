// When and how long to wait before trying a failed request again: exponential backoff with a
// little jitter, or exactly what the server's Retry-After asks for.
import { EngineError } from '../engines/engine';

export interface RetryPolicy {
  /** Retries after the first attempt (default 5). */
  maxRetries: number;
  /** First backoff (default 1 s); doubles each retry. */
  baseDelayMs: number;
  /** Backoff ceiling (default 60 s). */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is reported (default 5 min). */
  maxRetryAfterMs: number;
  /** 0..1; injectable so tests are exact (default Math.random). */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 5 * 60_000,
  random: Math.random,
};

/** Worth retrying: network trouble, timeouts, 429 and 5xx. Never auth, bad input or cancel. */
export function isRetryable(error: unknown): error is EngineError {
  return error instanceof EngineError && error.kind !== 'cancelled' && error.transient;
}

/** Delay before retry number `retry` (1-based), or undefined when we should give up. */
export function retryDelay(error: EngineError, retry: number, policy: RetryPolicy): number | undefined {
  if (retry > policy.maxRetries) return undefined;
  if (error.retryAfterMs !== undefined) return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(backoff * (1 + 0.25 * policy.random()));
}

/** setTimeout as a promise that an AbortSignal ends early (rejecting). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
