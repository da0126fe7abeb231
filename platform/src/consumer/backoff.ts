/** How long a failed message waits before its next delivery: exponential in its delivery count. */

export interface BackoffPolicy {
  /** Delay after the first failed delivery. */
  initialMs: number;
  /** Ceiling of the delay. */
  maxMs: number;
  multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 60_000, multiplier: 2 };

/** The delay before redelivering a message that failed on its `deliveryCount`-th delivery (1-based). */
export function redeliveryDelay(deliveryCount: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, deliveryCount - 1);
  return Math.round(Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** exponent));
}
