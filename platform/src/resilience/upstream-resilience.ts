/**
 * The resilience of calls to one upstream: one circuit breaker and one bulkhead shared by every
 * call to it, composed with cockatiel into the policy each kind of call runs through, and the counts
 * behind the snapshot and the metrics.
 *
 * Order, outermost first: deadline (the whole call's budget) → retry (idempotent calls only) →
 * bulkhead (each attempt takes a slot; backoff waits do not hold one) → circuit breaker (each
 * attempt counts; outside the bulkhead's rejections, so a refused probe never closes the circuit).
 */
import {
  type BulkheadPolicy,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  CountBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { isInfrastructureFailure, isRetryableFailure } from './failure-codes.js';
import { rejectionsTotal, retriesTotal } from './metrics.js';
import type { ResiliencePolicy } from './policy.js';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** Why a call was refused without reaching the upstream. */
export type RejectionReason = 'circuit_open' | 'bulkhead_full';

export interface UpstreamCounts {
  /** Calls made by callers (attempts after the first are counted as retries). */
  calls: number;
  retries: number;
  /** Attempts that failed for an infrastructure reason (what the breaker counts). */
  failures: number;
  /** Times the circuit opened. */
  circuitOpened: number;
  rejectedCircuitOpen: number;
  rejectedBulkheadFull: number;
}

export interface UpstreamSnapshot {
  readonly upstream: string;
  readonly circuit: CircuitStateName;
  readonly bulkhead: {
    readonly executing: number;
    readonly queued: number;
    readonly capacity: number;
    readonly queueCapacity: number;
  };
  readonly counts: Readonly<UpstreamCounts>;
  readonly policy: ResiliencePolicy;
}

const circuitStateNames: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export class UpstreamResilience {
  readonly breaker: CircuitBreakerPolicy;
  readonly bulkhead: BulkheadPolicy;
  /** Idempotent unary calls: deadline, retries, bulkhead, breaker. */
  readonly retried: IPolicy;
  /** Other unary calls: deadline, bulkhead, breaker. */
  readonly attemptedOnce: IPolicy;
  private readonly counts: UpstreamCounts = {
    calls: 0,
    retries: 0,
    failures: 0,
    circuitOpened: 0,
    rejectedCircuitOpen: 0,
    rejectedBulkheadFull: 0,
  };

  constructor(
    readonly name: string,
    readonly policy: ResiliencePolicy,
  ) {
    this.breaker = circuitBreaker(handleWhen(isInfrastructureFailure), {
      halfOpenAfter: policy.breakerHalfOpenAfterMs,
      breaker: new CountBreaker({
        threshold: policy.breakerFailureRatio,
        size: policy.breakerWindow,
        minimumNumberOfCalls: policy.breakerMinimumCalls,
      }),
    });
    this.bulkhead = bulkhead(policy.bulkheadConcurrency, policy.bulkheadQueue);
    const retries = retry(handleWhen(isRetryableFailure), {
      maxAttempts: policy.maxRetries,
      backoff: new ExponentialBackoff({
        initialDelay: policy.retryInitialDelayMs,
        maxDelay: policy.retryMaxDelayMs,
      }),
    });
    // Aggressive: the caller gets its answer at the deadline, and the attempt in flight is aborted.
    // Not on return: a call that answered has nothing left to cancel, and aborting every finished
    // call's signal (an AbortError and its events) was most of this layer's cost.
    const deadline = timeout(policy.timeoutMs, {
      strategy: TimeoutStrategy.Aggressive,
      abortOnReturn: false,
    });
    this.retried = wrap(deadline, retries, this.bulkhead, this.breaker);
    this.attemptedOnce = wrap(deadline, this.bulkhead, this.breaker);

    retries.onRetry(() => {
      this.counts.retries++;
      retriesTotal.inc({ upstream: name });
    });
    this.breaker.onFailure(({ handled }) => {
      if (handled) this.counts.failures++;
    });
    this.breaker.onBreak(() => {
      this.counts.circuitOpened++;
    });
  }

  recordCall(): void {
    this.counts.calls++;
  }

  recordRejection(reason: RejectionReason): void {
    if (reason === 'circuit_open') this.counts.rejectedCircuitOpen++;
    else this.counts.rejectedBulkheadFull++;
    rejectionsTotal.inc({ upstream: this.name, reason });
  }

  snapshot(): UpstreamSnapshot {
    const { bulkheadConcurrency: capacity, bulkheadQueue: queueCapacity } = this.policy;
    return {
      upstream: this.name,
      circuit: circuitStateNames[this.breaker.state],
      bulkhead: {
        executing: capacity - this.bulkhead.executionSlots,
        queued: queueCapacity - this.bulkhead.queueSlots,
        capacity,
        queueCapacity,
      },
      counts: { ...this.counts },
      policy: this.policy,
    };
  }
}
