/**
 * The numbers that govern calls to one upstream: deadline, retries, circuit breaker and bulkhead.
 * Defaults suit east-west calls inside the cluster; every number can be overridden per upstream.
 */
import { z } from 'zod';

export interface ResiliencePolicy {
  /** Budget of one call, every attempt and backoff included; a shorter deadline set by the caller wins. */
  readonly timeoutMs: number;
  /** Retries after the first attempt; only idempotent unary methods are retried. */
  readonly maxRetries: number;
  /** Scale of the first backoff delay; later delays grow exponentially with decorrelated jitter. */
  readonly retryInitialDelayMs: number;
  /** Ceiling of one backoff delay. */
  readonly retryMaxDelayMs: number;
  /** Share (0..1, exclusive) of infrastructure failures among recent calls that opens the circuit. */
  readonly breakerFailureRatio: number;
  /** How many recent calls the breaker looks at. */
  readonly breakerWindow: number;
  /** Calls needed in the window before the breaker may open. */
  readonly breakerMinimumCalls: number;
  /** Cool-down after which an open circuit lets one probe call through (half-open). */
  readonly breakerHalfOpenAfterMs: number;
  /** Calls in flight at once. */
  readonly bulkheadConcurrency: number;
  /** Calls waiting for a slot; beyond this a call is refused at once. */
  readonly bulkheadQueue: number;
}

export const defaultResiliencePolicy: ResiliencePolicy = {
  timeoutMs: 3_000,
  maxRetries: 2,
  retryInitialDelayMs: 50,
  retryMaxDelayMs: 1_000,
  breakerFailureRatio: 0.5,
  breakerWindow: 20,
  breakerMinimumCalls: 10,
  breakerHalfOpenAfterMs: 5_000,
  bulkheadConcurrency: 64,
  bulkheadQueue: 16,
};

const count = () => z.number().int().nonnegative();
const positive = () => z.number().int().positive();

const policySchema = z
  .strictObject({
    // The gRPC timeout header holds at most 8 digits.
    timeoutMs: positive().max(99_999_999),
    maxRetries: count().max(10),
    retryInitialDelayMs: positive(),
    retryMaxDelayMs: positive(),
    breakerFailureRatio: z.number().gt(0).lt(1),
    breakerWindow: positive(),
    breakerMinimumCalls: positive(),
    breakerHalfOpenAfterMs: positive(),
    bulkheadConcurrency: positive(),
    bulkheadQueue: count(),
  })
  .refine((p) => p.breakerMinimumCalls <= p.breakerWindow, {
    message: 'breakerMinimumCalls must not exceed breakerWindow',
  })
  .refine((p) => p.retryInitialDelayMs <= p.retryMaxDelayMs, {
    message: 'retryInitialDelayMs must not exceed retryMaxDelayMs',
  });

/** The defaults with `overrides` applied, validated; throws naming the upstream and every bad field. */
export function resolvePolicy(upstream: string, overrides: Partial<ResiliencePolicy> = {}): ResiliencePolicy {
  const result = policySchema.safeParse({ ...defaultResiliencePolicy, ...overrides });
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'policy'}: ${i.message}`);
  throw new RangeError(`invalid resilience policy for ${upstream}: ${problems.join('; ')}`);
}
