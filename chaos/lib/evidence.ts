/**
 * Evidence that the faults did something: the services' own counters (broker dedupe hits of the
 * relays, redeliveries seen by the consumers, ...) scraped from each /metrics. A counter starts
 * again at zero when its process restarts, so every service is scraped periodically and just
 * before it is killed, and what the dead process had counted is banked.
 */
import type { RunningSystem } from '@paymesh/platform/testing/system';

/** The counters kept, summed over their labels. */
export const EVIDENCE_COUNTERS = [
  'paymesh_outbox_published_total',
  'paymesh_outbox_duplicates_total',
  'paymesh_outbox_publish_failures_total',
  'paymesh_consumer_applied_total',
  'paymesh_consumer_redelivered_total',
  'paymesh_consumer_retried_total',
  'paymesh_consumer_skipped_total',
  'paymesh_consumer_dead_lettered_total',
] as const;
export type EvidenceCounter = (typeof EVIDENCE_COUNTERS)[number];

const SCRAPE_TIMEOUT_MS = 2_000;

export class Evidence {
  /** Per service: what killed processes counted, by series (`name{labels}`). */
  readonly #banked = new Map<string, Map<string, number>>();
  /** Per service: the live process's last scraped values. */
  readonly #live = new Map<string, Map<string, number>>();
  /** Per service: how many of its processes were killed; a scrape begun before a kill is dropped. */
  readonly #generation = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly system: RunningSystem,
    private readonly services: readonly string[],
  ) {}

  /** Scrapes every service every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.scrapeAll(), intervalMs);
  }

  /** Stops the periodic scrapes after a last one. */
  async stop(): Promise<void> {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.scrapeAll();
  }

  async scrapeAll(): Promise<void> {
    await Promise.all(this.services.map((s) => this.scrape(s)));
  }

  /** Call right before killing `service`: its counts so far are kept, the next process starts from zero. */
  async beforeKill(service: string): Promise<void> {
    await this.scrape(service);
    const banked = this.#banked.get(service) ?? new Map<string, number>();
    for (const [series, value] of this.#live.get(service) ?? []) {
      banked.set(series, (banked.get(series) ?? 0) + value);
    }
    this.#banked.set(service, banked);
    this.#live.delete(service);
    this.#generation.set(service, (this.#generation.get(service) ?? 0) + 1);
  }

  /** The total of a counter over every service, label and process. */
  total(name: EvidenceCounter, labels: Record<string, string> = {}): number {
    let sum = 0;
    for (const source of [...this.#banked.values(), ...this.#live.values()]) {
      for (const [series, value] of source) if (matches(series, name, labels)) sum += value;
    }
    return sum;
  }

  private async scrape(service: string): Promise<void> {
    if (this.system.pid(service) === undefined) return;
    const generation = this.#generation.get(service) ?? 0;
    try {
      const res = await fetch(`${this.system.adminUrl(service)}/metrics`, {
        signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
      });
      if (!res.ok) return;
      const values = parseCounters(await res.text());
      if (generation !== (this.#generation.get(service) ?? 0)) return;
      // Scrapes of one process may answer out of order: never let a counter go back.
      const live = this.#live.get(service) ?? new Map<string, number>();
      for (const [series, value] of values) live.set(series, Math.max(live.get(series) ?? 0, value));
      this.#live.set(service, live);
    } catch {
      // Down, paused or restarting: the next scrape (or the one before its kill) catches up.
    }
  }
}

/** The evidence counters' samples in a Prometheus text exposition, by series. */
function parseCounters(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    const name = series.split('{')[0] ?? '';
    if (!(EVIDENCE_COUNTERS as readonly string[]).includes(name)) continue;
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) values.set(series, value);
  }
  return values;
}

function matches(series: string, name: string, labels: Record<string, string>): boolean {
  if (series.split('{')[0] !== name) return false;
  return Object.entries(labels).every(([key, value]) => series.includes(`${key}="${value}"`));
}
