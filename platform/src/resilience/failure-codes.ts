/**
 * Which failures of an upstream call are retried and which count against the upstream's health.
 *
 * Retried (idempotent unary methods only): UNAVAILABLE alone. It means the call did not run or the
 * server could not take it, so trying again is safe and likely to help. Not retried:
 * - DEADLINE_EXCEEDED: the deadline is the budget of the whole call, so none is left;
 * - RESOURCE_EXHAUSTED: the upstream is shedding load or a quota is spent; more calls make it worse;
 * - ABORTED: a concurrency conflict the caller resolves at a higher level (read again, then write).
 *
 * Counted by the circuit breaker: failures of the upstream or the path to it, never business answers
 * (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS...) nor a caller's cancellation.
 */

import type { DescMethod } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';

const retryableCodes: ReadonlySet<Code> = new Set([Code.Unavailable]);

const infrastructureCodes: ReadonlySet<Code> = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Internal,
  Code.Unknown,
  Code.DataLoss,
]);

/** True for a failure worth another attempt of an idempotent call. */
export function isRetryableFailure(err: unknown): boolean {
  return err instanceof ConnectError && retryableCodes.has(err.code);
}

/** True for a failure that says the upstream (or the way to it) is unhealthy. */
export function isInfrastructureFailure(err: unknown): boolean {
  return err instanceof ConnectError && infrastructureCodes.has(err.code);
}

/** True when the proto declares the method safe to repeat (NO_SIDE_EFFECTS or IDEMPOTENT). */
export function isIdempotent(method: DescMethod): boolean {
  return (
    method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
    method.idempotency === MethodOptions_IdempotencyLevel.IDEMPOTENT
  );
}
