/**
 * Couples the transfer driver and the fault injector so every fault strikes under load and the
 * seed replays where in the workload it strikes: fault `i` starts once the transfers before its
 * trigger are dispatched, and no transfer at or past the trigger is dispatched until it has started.
 */

export class Pace {
  readonly #triggers: readonly number[];
  #dispatched = 0;
  #faultsStarted = 0;
  #driving = true;
  #waiters: (() => void)[] = [];

  /** `triggers`: per fault, ascending, the index of the first transfer that waits for it. */
  constructor(triggers: readonly number[]) {
    this.#triggers = triggers;
  }

  get dispatched(): number {
    return this.#dispatched;
  }

  /** Resolves when transfer `index` may be dispatched. */
  async beforeDispatch(index: number): Promise<void> {
    await this.#until(() => {
      const next = this.#triggers[this.#faultsStarted];
      return next === undefined || next > index;
    });
    this.#dispatched++;
    this.#changed();
  }

  /** Resolves when fault `i` may start: its trigger is reached, or the driving is over. */
  async beforeFault(i: number): Promise<void> {
    const trigger = this.#triggers[i] ?? 0;
    await this.#until(() => !this.#driving || this.#dispatched >= trigger);
  }

  faultStarted(): void {
    this.#faultsStarted++;
    this.#changed();
  }

  /** The driver is done (or gave up): no fault waits for transfers any more. */
  drivingDone(): void {
    this.#driving = false;
    this.#changed();
  }

  async #until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #changed(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
