/**
 * The parts of a service that start and stop: database, bus, outbox relay, consumers, servers.
 * They start in the order they were added and stop in reverse, so what was started first (the
 * database) is stopped last, after everything that uses it.
 */
import type { Logger } from '../telemetry/logger.js';

export interface Component {
  readonly name: string;
  /** Opens connections, runs migrations, begins loops. `signal` aborts when shutdown begins first. */
  start?(signal: AbortSignal): Promise<void> | void;
  /** Finishes what it accepted and releases its resources. */
  stop?(): Promise<void> | void;
  /** Throws, rejects or returns `false` while the component cannot serve; feeds readiness. */
  check?(): unknown;
  /** A snapshot for `/readyz` (circuit breakers, lag); must be cheap. */
  status?(): unknown;
}

export class Lifecycle {
  readonly #components: Component[] = [];
  readonly #started: Component[] = [];
  readonly #aborted = new AbortController();
  #starting: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Registers `component`; `start()` starts it after the ones added before it. */
  add<C extends Component>(component: C): C {
    if (this.#stopping) throw new Error(`cannot add ${component.name}: the service is stopping`);
    this.#components.push(component);
    return component;
  }

  /** Registers `component` and starts it now (after any registered earlier); returns it. */
  async use<C extends Component>(component: C): Promise<C> {
    this.add(component);
    await this.start();
    return component;
  }

  /** Starts every registered component not started yet, in order. */
  start(): Promise<void> {
    const run = this.#starting.then(() => this.#startPending());
    this.#starting = run.catch(() => {});
    return run;
  }

  /** Every component registered so far. */
  get components(): readonly Component[] {
    return this.#components;
  }

  /**
   * Stops the started components in reverse order of start, each once. A failing stop is logged
   * and the others still stop. Waits for a start in progress to settle first.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #startPending(): Promise<void> {
    for (const component of this.#components) {
      if (this.#started.includes(component)) continue;
      if (this.#stopping) throw new Error(`not starting ${component.name}: the service is stopping`);
      this.logger.debug({ component: component.name }, 'starting');
      await component.start?.(this.#aborted.signal);
      this.#started.push(component);
    }
  }

  async #stopAll(): Promise<void> {
    this.#aborted.abort();
    await this.#starting;
    for (const component of [...this.#started].reverse()) {
      try {
        this.logger.debug({ component: component.name }, 'stopping');
        await component.stop?.();
      } catch (err) {
        this.logger.error({ err, component: component.name }, 'component failed to stop');
      }
    }
  }
}
