/** The Prometheus metrics of event consumers, labelled by durable consumer name. */
import { counter, histogram } from '../telemetry/metrics.js';

export const consumerMetrics = {
  applied: counter<'consumer'>({
    name: 'paymesh_consumer_applied_total',
    help: 'Events whose handler committed with their inbox row.',
    labelNames: ['consumer'],
  }),
  skipped: counter<'consumer' | 'reason'>({
    name: 'paymesh_consumer_skipped_total',
    help: 'Events acked without effect: already applied (duplicate) or of a type with no handler (unhandled).',
    labelNames: ['consumer', 'reason'],
  }),
  redelivered: counter<'consumer'>({
    name: 'paymesh_consumer_redelivered_total',
    help: 'Deliveries the broker sent again (a nak, an ack lost or late, a consumer that died holding it).',
    labelNames: ['consumer'],
  }),
  retried: counter<'consumer' | 'kind'>({
    name: 'paymesh_consumer_retried_total',
    help: 'Deliveries that failed and were handed back for redelivery after a backoff.',
    labelNames: ['consumer', 'kind'],
  }),
  deadLettered: counter<'consumer'>({
    name: 'paymesh_consumer_dead_lettered_total',
    help: 'Events moved to the dead-letter stream.',
    labelNames: ['consumer'],
  }),
  handlerDuration: histogram<'consumer'>({
    name: 'paymesh_consumer_handler_duration_seconds',
    help: 'Time a handler takes to apply one event inside its transaction.',
    labelNames: ['consumer'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
};
