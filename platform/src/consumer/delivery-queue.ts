/**
 * Received deliveries waiting to be applied, and which may be applied now. Workers take batches in
 * arrival order, skipping subjects another worker holds, so one aggregate's events (one subject)
 * are never applied concurrently or out of order while different aggregates proceed in parallel.
 * Under a light load, deliveries that arrive together still go to one worker as one batch (one
 * transaction), not one each.
 */

export interface Delivery {
  readonly subject: string;
}

export class DeliveryQueue<D extends Delivery> {
  #waiting: D[] = [];
  readonly #held = new Set<string>();
  #closed = false;
  #wakeWorkers: (() => void)[] = [];
  #wakeReceiver: (() => void)[] = [];
  #wakeScheduled = false;

  get size(): number {
    return this.#waiting.length;
  }

  push(delivery: D): void {
    if (this.#closed) throw new Error('delivery queue is closed');
    this.#waiting.push(delivery);
    // Workers wake once the deliveries that arrived together (one read from the socket) are all
    // queued, so the first takes them as one batch instead of each worker taking one.
    if (this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#wake('workers');
    });
  }

  /** No more pushes; `next()` returns undefined once everything queued has been taken. */
  close(): void {
    this.#closed = true;
    this.#wake('workers');
  }

  /** Resolves when fewer than `limit` deliveries wait (the receiver's backpressure). */
  async roomFor(limit: number): Promise<void> {
    while (this.#waiting.length >= limit)
      await new Promise<void>((resolve) => this.#wakeReceiver.push(resolve));
  }

  /**
   * The next batch (up to `max`, arrival order, subjects no other worker holds), which the caller
   * now holds until `release`; undefined when the queue is closed and empty.
   */
  async next(max: number): Promise<D[] | undefined> {
    for (;;) {
      const batch = this.#take(max);
      if (batch.length > 0) return batch;
      if (this.#closed && this.#waiting.length === 0) return undefined;
      await new Promise<void>((resolve) => this.#wakeWorkers.push(resolve));
    }
  }

  release(batch: readonly D[]): void {
    for (const delivery of batch) this.#held.delete(delivery.subject);
    this.#wake('workers');
  }

  #take(max: number): D[] {
    const batch: D[] = [];
    const rest: D[] = [];
    const mine = new Set<string>();
    // A subject with a delivery left behind: its later deliveries must not overtake it.
    const blocked = new Set<string>();
    for (const delivery of this.#waiting) {
      const subject = delivery.subject;
      const free = mine.has(subject) || !this.#held.has(subject);
      if (batch.length < max && free && !blocked.has(subject)) {
        batch.push(delivery);
        mine.add(subject);
      } else {
        rest.push(delivery);
        blocked.add(subject);
      }
    }
    for (const subject of mine) this.#held.add(subject);
    this.#waiting = rest;
    if (batch.length > 0) this.#wake('receiver');
    return batch;
  }

  #wake(who: 'workers' | 'receiver'): void {
    const waiters = who === 'workers' ? this.#wakeWorkers : this.#wakeReceiver;
    if (who === 'workers') this.#wakeWorkers = [];
    else this.#wakeReceiver = [];
    for (const wake of waiters) wake();
  }
}
