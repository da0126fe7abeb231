/**
 * Tells watchers in this process that a transfer changed, right after the change commits. Watchers
 * also re-read on a timer, so a change made by another instance reaches them within that period.
 */
import { EventEmitter } from 'node:events';

export class TransferChanges {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  /** Called after a transfer's change has committed. */
  changed(transferId: string): void {
    this.#emitter.emit(transferId);
  }

  /** Resolves at the next change of the transfer, after `timeoutMs`, or when `signal` aborts. */
  next(transferId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#emitter.off(transferId, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#emitter.once(transferId, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
