/**
 * The relay's metrics, labelled by service: the backlog and the age of its oldest row (read from the
 * database at scrape time), and counters of events published, of those the broker already had
 * (dedupe hits: republishes after a relay lost its claim), and of failed attempts; the events per
 * claim (how well the relay batches).
 */
import type pg from 'pg';
import type { Logger } from '../telemetry/logger.js';
import { counter, histogram, observedGauge } from '../telemetry/metrics.js';
import { readBacklog } from './backlog.js';

export interface OutboxMetrics {
  /** A claim that found events took this many. */
  claimed(count: number): void;
  published(count: number): void;
  /** Of the published, those the broker acked as duplicates of an earlier publish. */
  duplicates(count: number): void;
  failed(count: number): void;
  /** Stops reporting this relay's gauges. */
  close(): void;
}

export function outboxMetrics(pool: pg.Pool, service: string, logger: Logger): OutboxMetrics {
  const labels = { service };
  const published = counter({
    name: 'paymesh_outbox_published_total',
    help: 'Outbox events published to JetStream (acked by the stream).',
    labelNames: ['service'],
  });
  const duplicates = counter({
    name: 'paymesh_outbox_duplicates_total',
    help: 'Outbox events published again that the stream dropped as duplicates (Nats-Msg-Id seen).',
    labelNames: ['service'],
  });
  const claimed = histogram({
    name: 'paymesh_outbox_claim_events',
    help: 'Events per relay claim that found any: one claim per commit means the relay batches nothing.',
    labelNames: ['service'],
    buckets: [1, 2, 4, 8, 16, 64, 256, 1_000],
  });
  const failed = counter({
    name: 'paymesh_outbox_publish_failures_total',
    help: 'Outbox publish attempts that failed (the event stays pending).',
    labelNames: ['service'],
  });
  const backlog = async () => {
    try {
      return await readBacklog(pool);
    } catch (err) {
      logger.warn({ err }, 'outbox backlog could not be read for metrics');
      return undefined;
    }
  };
  const closers = [
    observedGauge(
      { name: 'paymesh_outbox_backlog', help: 'Outbox events not yet published.', labelNames: ['service'] },
      async (set) => {
        const current = await backlog();
        if (current) set(labels, current.pending);
      },
    ),
    observedGauge(
      {
        name: 'paymesh_outbox_oldest_unpublished_age_seconds',
        help: 'Age of the oldest outbox event not yet published; 0 when none is.',
        labelNames: ['service'],
      },
      async (set) => {
        const current = await backlog();
        if (current) set(labels, current.oldestAgeSeconds);
      },
    ),
  ];
  return {
    claimed: (count) => claimed.observe(labels, count),
    published: (count) => published.inc(labels, count),
    duplicates: (count) => duplicates.inc(labels, count),
    failed: (count) => failed.inc(labels, count),
    close: () => {
      for (const close of closers) close();
    },
  };
}
