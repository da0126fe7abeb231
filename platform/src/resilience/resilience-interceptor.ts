/**
 * The Connect client interceptor that runs every call to one upstream through that upstream's
 * policies, and turns the policies' own refusals into the codes a caller expects:
 * circuit open → UNAVAILABLE, bulkhead full → RESOURCE_EXHAUSTED, out of time → DEADLINE_EXCEEDED.
 *
 * Unary calls get the deadline, the bulkhead, the breaker and, when the proto declares the method
 * NO_SIDE_EFFECTS or IDEMPOTENT, retries. Streaming calls are long-lived: they only fail fast while
 * the circuit is open (and their opening counts for the breaker); no retry, bulkhead or default
 * deadline — the caller sets one if it wants one.
 */
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { headerTimeout, parseTimeout } from '@connectrpc/connect/protocol-grpc';
import { isBrokenCircuitError, isBulkheadRejectedError, isTaskCancelledError } from 'cockatiel';
import { isIdempotent } from './failure-codes.js';
import type { UpstreamResilience } from './upstream-resilience.js';

export function resilienceInterceptor(upstream: UpstreamResilience): Interceptor {
  return (next) => async (req) => {
    upstream.recordCall();
    try {
      if (req.stream) return await upstream.breaker.execute(() => next(req), req.signal);
      const deadlineAt = Date.now() + budgetMs(req.header, upstream.policy.timeoutMs);
      const policy = isIdempotent(req.method) ? upstream.retried : upstream.attemptedOnce;
      return await policy.execute(({ signal }) => {
        // Attempts run one after another, so each sets the call's header to what is left for it.
        setDeadline(req.header, deadlineAt);
        const attempt = attemptSignal(signal, upstream.name);
        return next({ ...req, signal: attempt.signal }).finally(attempt.release);
      }, req.signal);
    } catch (err) {
      throw callerError(err, upstream, req.signal);
    }
  };
}

/** The caller's deadline (already in the gRPC header) if shorter than the upstream's default. */
function budgetMs(header: Headers, defaultMs: number): number {
  const { timeoutMs } = parseTimeout(header.get(headerTimeout), Number.MAX_SAFE_INTEGER);
  return timeoutMs === undefined ? defaultMs : Math.min(timeoutMs, defaultMs);
}

/** Each attempt tells the upstream how much of the budget is left, so it can pass it on. */
function setDeadline(header: Headers, deadlineAt: number): void {
  header.set(headerTimeout, `${Math.max(1, Math.floor(deadlineAt - Date.now()))}m`);
}

/**
 * Cockatiel aborts an attempt at the deadline without a reason; the transport must then fail with
 * DEADLINE_EXCEEDED (which the breaker counts), not CANCELED. A caller's own abort passes through.
 * `release` stops listening once the attempt is over.
 */
function attemptSignal(signal: AbortSignal, upstream: string): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const abort = () =>
    controller.abort(signal.reason instanceof ConnectError ? signal.reason : deadlineExceeded(upstream));
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, release: () => signal.removeEventListener('abort', abort) };
}

function callerError(err: unknown, upstream: UpstreamResilience, callerSignal: AbortSignal): unknown {
  if (isBrokenCircuitError(err)) {
    upstream.recordRejection('circuit_open');
    return new ConnectError(`${upstream.name} circuit open`, Code.Unavailable, undefined, undefined, err);
  }
  if (isBulkheadRejectedError(err)) {
    upstream.recordRejection('bulkhead_full');
    return new ConnectError(
      `${upstream.name} bulkhead full`,
      Code.ResourceExhausted,
      undefined,
      undefined,
      err,
    );
  }
  if (isTaskCancelledError(err)) {
    return callerSignal.aborted
      ? ConnectError.from(callerSignal.reason, Code.Canceled)
      : deadlineExceeded(upstream.name);
  }
  return err;
}

function deadlineExceeded(upstream: string): ConnectError {
  return new ConnectError(`${upstream} deadline exceeded`, Code.DeadlineExceeded);
}
