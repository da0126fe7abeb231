/** When a saga step that failed transiently is tried again: exponential in its attempts, capped, jittered. */
export interface RetryBackoff {
  initialMs: number;
  maxMs: number;
}

export function retryDelayMs(attempts: number, backoff: RetryBackoff, random = Math.random): number {
  const exponential = backoff.initialMs * 2 ** Math.min(Math.max(attempts - 1, 0), 20);
  const capped = Math.min(backoff.maxMs, exponential);
  // Full jitter over the upper half: instances retrying the same outage spread out.
  return Math.round(capped / 2 + random() * (capped / 2));
}
