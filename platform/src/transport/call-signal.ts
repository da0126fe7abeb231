/**
 * The AbortSignal of one call, aborted by the first of: its deadline, a linked signal (the server's
 * shutdown, or the caller's own signal) or `end(reason)`. connect-es builds the same signal from a
 * deadline controller and a controller linked to both; one controller does it at a fraction of the
 * cost, with the same reasons, and leaves no listener on the long-lived linked signal.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { getAbortSignalReason } from '@connectrpc/connect/protocol';

// connect-es ends a call's signal with a fresh AbortError; one shared instance (same name and
// message) spares a stack capture per call.
export const callEnded = new DOMException('This operation was aborted', 'AbortError');

// Plain methods, no per-call closures: an EventTarget listener object, a timer callback argument.
export class CallSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    timeoutMs: number | undefined,
    private readonly linked: AbortSignal | undefined,
  ) {
    if (timeoutMs !== undefined && timeoutMs <= 0) {
      this.end(timedOut());
    } else if (linked?.aborted) {
      this.end(getAbortSignalReason(linked));
    } else {
      linked?.addEventListener('abort', this);
      if (timeoutMs !== undefined) this.timer = setTimeout(endTimedOut, timeoutMs, this);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts with `reason` unless already aborted, and lets go of the timer and the linked signal. */
  end(reason: unknown): void {
    clearTimeout(this.timer);
    this.linked?.removeEventListener('abort', this);
    this.controller.abort(reason);
  }

  /** The linked signal aborted. */
  handleEvent(): void {
    this.end(getAbortSignalReason(this.linked as AbortSignal));
  }
}

function endTimedOut(call: CallSignal): void {
  call.end(timedOut());
}

/** The reason a call's deadline aborts it with. */
export function timedOut(): ConnectError {
  return new ConnectError('the operation timed out', Code.DeadlineExceeded);
}
