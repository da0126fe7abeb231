/**
 * Prometheus metrics of the process: one registry, served on the admin port at /metrics. Metrics are
 * created once by name, so every module (and every test instance) can ask for the same one.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();

type Config<T extends string> = { name: string; help: string; labelNames?: readonly T[] };

export function counter<T extends string>(config: Config<T>): Counter<T> {
  return (
    (metricsRegistry.getSingleMetric(config.name) as Counter<T> | undefined) ??
    new Counter<T>({ ...config, registers: [metricsRegistry] })
  );
}

export function histogram<T extends string>(config: Config<T> & { buckets?: number[] }): Histogram<T> {
  return (
    (metricsRegistry.getSingleMetric(config.name) as Histogram<T> | undefined) ??
    new Histogram<T>({ ...config, registers: [metricsRegistry] })
  );
}

/**
 * A gauge read at scrape time. Several instances (one relay per test, say) may share a name: each
 * adds a collector, and the gauge reports each instance under its own label values.
 */
export function observedGauge<T extends string>(
  config: Config<T>,
  collect: (set: (labels: Partial<Record<T, string>>, value: number) => void) => Promise<void> | void,
): () => void {
  let gauge = metricsRegistry.getSingleMetric(config.name) as
    | (Gauge<T> & { collectors?: Set<unknown> })
    | undefined;
  if (!gauge) {
    const collectors = new Set<(g: Gauge<T>) => Promise<void> | void>();
    gauge = new Gauge<T>({
      ...config,
      registers: [metricsRegistry],
      async collect() {
        for (const c of collectors) await c(this);
      },
    }) as Gauge<T> & { collectors?: Set<unknown> };
    gauge.collectors = collectors;
  }
  const collectors = gauge.collectors as Set<(g: Gauge<T>) => Promise<void> | void>;
  const collector = (g: Gauge<T>) => collect((labels, value) => g.set(labels, value));
  collectors.add(collector);
  return () => collectors.delete(collector);
}
