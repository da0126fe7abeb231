/**
 * Whether the service should be sent traffic: its phase (starting, serving, draining, stopped),
 * the status of each named gRPC service, and the readiness checks of its components (database,
 * bus). The gRPC health service and the admin `/readyz` both answer from here. The checks' results
 * are shared for a short while (one second by default): probes and health checks from every caller
 * cost the database one `select 1` a second, not one per call. A change of phase applies at once.
 */

export type Phase = 'starting' | 'serving' | 'draining' | 'stopped';

export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** Throws, rejects or returns `false` while the component it checks cannot serve. */
export type ReadinessCheck = () => unknown;

export interface CheckResult {
  readonly ok: boolean;
  readonly error?: string;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly phase: Phase;
  readonly checks: Record<string, CheckResult>;
  readonly services: Record<string, ServingStatus>;
}

const order: Record<Phase, number> = { starting: 0, serving: 1, draining: 2, stopped: 3 };

export class Readiness {
  #phase: Phase = 'starting';
  readonly #services = new Map<string, boolean>();
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #listeners = new Set<() => void>();
  readonly #checkTimeoutMs: number;
  readonly #resultsTtlMs: number;
  #results: { readonly until: number; readonly pending: Promise<Record<string, CheckResult>> } | undefined;

  constructor(options: { checkTimeoutMs?: number; resultsTtlMs?: number } = {}) {
    this.#checkTimeoutMs = options.checkTimeoutMs ?? 2_000;
    this.#resultsTtlMs = options.resultsTtlMs ?? 1_000;
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Every component has started: send traffic. */
  markServing(): void {
    this.#advance('serving');
  }

  /** Shutdown has begun: send no new traffic. There is no way back. */
  markDraining(): void {
    this.#advance('draining');
  }

  markStopped(): void {
    this.#advance('stopped');
  }

  /** Names a gRPC service (e.g. `paymesh.accounts.v1.AccountsService`) that health checks may ask about. */
  addService(name: string, serving = true): void {
    if (this.#services.get(name) === serving) return;
    this.#services.set(name, serving);
    this.#notify();
  }

  /** Takes one named service out of (or back into) rotation while the others keep serving. */
  setServiceServing(name: string, serving: boolean): void {
    this.addService(name, serving);
  }

  addCheck(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
    this.#results = undefined;
    this.#notify();
  }

  /** Calls `listener` on every change of phase or service status; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The status of the whole server (`''`) or of one named service, with the checks run now. */
  async status(service = ''): Promise<ServingStatus> {
    const own = service === '' ? true : this.#services.get(service);
    if (own === undefined) return 'SERVICE_UNKNOWN';
    if (this.#phase !== 'serving' || !own) return 'NOT_SERVING';
    const results = await this.#runChecks();
    return Object.values(results).every((r) => r.ok) ? 'SERVING' : 'NOT_SERVING';
  }

  async report(): Promise<ReadinessReport> {
    const checks = await this.#runChecks();
    const ready = this.#phase === 'serving' && Object.values(checks).every((r) => r.ok);
    const services: Record<string, ServingStatus> = {};
    for (const [name, serving] of this.#services)
      services[name] = ready && serving ? 'SERVING' : 'NOT_SERVING';
    return { ready, phase: this.#phase, checks, services };
  }

  #advance(phase: Phase): void {
    if (order[phase] <= order[this.#phase]) return;
    this.#phase = phase;
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  /** The checks' results: those of a run in progress or finished less than the TTL ago, else a new run. */
  #runChecks(): Promise<Record<string, CheckResult>> {
    const cached = this.#results;
    if (cached && Date.now() < cached.until) return cached.pending;
    const pending = this.#runChecksNow();
    // Until it settles (however long that takes) callers share it; then for the TTL.
    this.#results = { until: Number.POSITIVE_INFINITY, pending };
    void pending.then(() => {
      if (this.#results?.pending === pending)
        this.#results = { until: Date.now() + this.#resultsTtlMs, pending };
    });
    return pending;
  }

  async #runChecksNow(): Promise<Record<string, CheckResult>> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]) => [name, await this.#runCheck(check)] as const),
    );
    return Object.fromEntries(entries);
  }

  async #runCheck(check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.#checkTimeoutMs} ms`)),
        this.#checkTimeoutMs,
      );
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(check), timeout]);
      return outcome === false ? { ok: false, error: 'not ready' } : { ok: true };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
