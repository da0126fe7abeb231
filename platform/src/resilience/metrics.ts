/**
 * Prometheus view of the upstreams' resilience: circuit state and bulkhead use read at scrape time,
 * retries and fail-fast rejections counted as they happen. Labelled by upstream.
 */
import { counter, observedGauge } from '../telemetry/metrics.js';
import type { UpstreamSnapshot } from './upstream-resilience.js';

export const retriesTotal = counter({
  name: 'paymesh_client_retries_total',
  help: 'Retried attempts of idempotent calls to an upstream.',
  labelNames: ['upstream'] as const,
});

export const rejectionsTotal = counter({
  name: 'paymesh_client_rejections_total',
  help: 'Calls refused without reaching the upstream, by reason (circuit_open, bulkhead_full).',
  labelNames: ['upstream', 'reason'] as const,
});

const circuitStateValues: Record<UpstreamSnapshot['circuit'], number> = {
  closed: 0,
  open: 1,
  'half-open': 2,
  isolated: 3,
};

/** Registers the scrape-time gauges over the upstreams `snapshots` returns. */
export function observeUpstreams(snapshots: () => Iterable<UpstreamSnapshot>): void {
  observedGauge(
    {
      name: 'paymesh_client_circuit_state',
      help: 'Circuit breaker state of an upstream: 0 closed, 1 open, 2 half-open, 3 isolated.',
      labelNames: ['upstream'] as const,
    },
    (set) => {
      for (const s of snapshots()) set({ upstream: s.upstream }, circuitStateValues[s.circuit]);
    },
  );
  observedGauge(
    {
      name: 'paymesh_client_bulkhead_in_use',
      help: 'Calls to an upstream holding a bulkhead slot.',
      labelNames: ['upstream'] as const,
    },
    (set) => {
      for (const s of snapshots()) set({ upstream: s.upstream }, s.bulkhead.executing);
    },
  );
  observedGauge(
    {
      name: 'paymesh_client_bulkhead_queued',
      help: 'Calls to an upstream waiting for a bulkhead slot.',
      labelNames: ['upstream'] as const,
    },
    (set) => {
      for (const s of snapshots()) set({ upstream: s.upstream }, s.bulkhead.queued);
    },
  );
}
