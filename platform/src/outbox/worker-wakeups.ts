/**
 * Waking the relay's idle workers. An append wakes one worker, not all: a worker that finds work
 * wakes the next, so as many run as there are partitions to work and an idle relay answers each
 * commit with one claim. A wake-up that finds every worker busy is kept for the next to wait, so a
 * commit landing during a claim is never missed.
 */

export interface WorkerWakeups {
  /** Wakes one waiting worker, or lets the next one to wait run at once. */
  wakeOne(): void;
  /** Wakes every worker, and lets each of the busy ones run once more. */
  wakeAll(): void;
  /** Resolves when woken, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void>;
}

export function createWorkerWakeups(workers: number): WorkerWakeups {
  const waiting: Array<() => void> = [];
  let kept = 0;
  return {
    wakeOne() {
      const next = waiting.shift();
      if (next) next();
      else kept = Math.max(kept, 1);
    },
    wakeAll() {
      for (const next of waiting.splice(0)) next();
      kept = workers;
    },
    wait(timeoutMs) {
      if (kept > 0) {
        kept--;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          const index = waiting.indexOf(wake);
          if (index >= 0) waiting.splice(index, 1);
          resolve();
        };
        const timer = setTimeout(wake, timeoutMs);
        waiting.push(wake);
      });
    },
  };
}
