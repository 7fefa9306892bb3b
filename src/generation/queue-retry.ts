// Which failed queue jobs run again, and after how long: what a speech service said (429 with
// Retry-After, 5xx, a dropped connection) gets the same backoff as the ElevenLabs sync; an error
// that a retry cannot fix (a bad voice, no key, a Flite failure) fails the job at once.
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelay, type RetryPolicy } from '../sync/retry';

export function engineRetryDelay(policy: RetryPolicy = DEFAULT_RETRY_POLICY): (error: unknown, retry: number) => number | undefined {
  return (error, retry) => (isRetryable(error) ? retryDelay(error, retry, policy) : undefined);
}
