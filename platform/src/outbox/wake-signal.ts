/**
 * A count of wake-ups to wait on (the relay's flush waits on finished batches). A waiter names the
 * count it last saw, so a wake-up that came while it was busy is never lost: it returns at once.
 */

export interface WakeSignal {
  /** How many wake-ups there have been. */
  readonly count: number;
  wake(): void;
  /** Resolves at the first wake-up after `seen`, or after `timeoutMs`. */
  wait(seen: number, timeoutMs: number): Promise<void>;
}

export function createWakeSignal(): WakeSignal {
  let count = 0;
  const waiters = new Set<() => void>();
  return {
    get count() {
      return count;
    },
    wake() {
      count++;
      for (const waiter of waiters) waiter();
    },
    wait(seen, timeoutMs) {
      if (count !== seen) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      });
    },
  };
}
