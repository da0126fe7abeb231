/**
 * An event consumer: a durable pull consumer per (service, purpose) that applies each event of one
 * context exactly once through the inbox (see apply-batch.ts). Workers apply batches of received
 * events concurrently, one transaction per batch; one aggregate's events (one subject) are never
 * in two workers at once and apply in arrival order (see delivery-queue.ts). A lost NATS connection
 * or consumer is waited out and resumed; `stop()` stops fetching and applies what was already
 * received, each committed and acked.
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Database } from '../db/database.js';
import { eventNames } from '../events/naming.js';
import type { Bus } from '../nats/connection.js';
import type { Logger } from '../telemetry/logger.js';
import { type ApplyContext, applyBatch } from './apply-batch.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, redeliveryDelay } from './backoff.js';
import { consumerMetrics } from './consumer-metrics.js';
import { DeliveryQueue } from './delivery-queue.js';
import { type DurableConsumerSpec, ensureDurableConsumer } from './durable-consumer.js';
import { describeFailure } from './failure.js';
import type { EventHandlers } from './handlers.js';

export interface ConsumerOptions<S extends Record<string, unknown>> {
  db: Database<S>;
  bus: Bus;
  logger: Logger;
  /** Event namespace (EVENT_NAMESPACE). */
  namespace: string;
  /** The bounded context whose stream is read. */
  context: string;
  /** Durable consumer name, e.g. `notifications_transfers`; also the inbox's consumer key. */
  name: string;
  handlers: EventHandlers<S>;
  /** Deliveries after which a failing event is dead-lettered (default 5). */
  maxDeliveries?: number;
  /** Redelivery delay after a failure (default 500 ms doubling up to 60 s). */
  backoff?: Partial<BackoffPolicy>;
  /** Transactions applying events at once (default 8); keep the database pool at least this large. */
  concurrency?: number;
  /**
   * Most events one transaction applies (default 64); fewer when fewer are waiting. Under load the
   * batch is what keeps up: its cost is mostly the transaction, not the events in it.
   */
  batchSize?: number;
  /** How long the broker waits for a verdict before redelivering (default 30 s). */
  ackWaitMs?: number;
  /** Unsettled deliveries the broker allows at once (default 1000). */
  maxAckPending?: number;
}

export interface RunningConsumer {
  readonly name: string;
  /** Stops fetching, applies (commit + ack) what was already received, then resolves. */
  stop(): Promise<void>;
}

const RESUME_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000, multiplier: 2 };

export async function startConsumer<S extends Record<string, unknown>>(
  options: ConsumerOptions<S>,
): Promise<RunningConsumer> {
  const { bus, name } = options;
  const names = eventNames(options.namespace);
  const concurrency = options.concurrency ?? 8;
  const batchSize = options.batchSize ?? 64;
  // Enough received deliveries to give every worker a full batch.
  const prefetch = concurrency * batchSize;
  const spec: DurableConsumerSpec = {
    stream: names.stream(options.context),
    name,
    ackWaitMs: options.ackWaitMs ?? 30_000,
    maxAckPending: options.maxAckPending ?? 1_000,
  };
  const logger = options.logger.child({ consumer: name, stream: spec.stream });
  const ctx: ApplyContext<S> = {
    db: options.db,
    bus,
    namespace: options.namespace,
    consumer: name,
    handlers: options.handlers,
    maxDeliveries: options.maxDeliveries ?? 5,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    logger,
  };
  const poolSize = options.db.$client.options.max;
  if (poolSize !== undefined && poolSize < concurrency) {
    logger.warn({ poolSize, concurrency }, 'database pool is smaller than the consumer concurrency');
  }
  await ensureDurableConsumer(await bus.jsm(), spec);

  let stopping = false;
  let messages: ConsumerMessages | undefined;
  let wake: (() => void) | undefined;
  const queue = new DeliveryQueue<JsMsg>();
  const worker = async () => {
    for (let batch = await queue.next(batchSize); batch; batch = await queue.next(batchSize)) {
      try {
        await applyBatch(ctx, batch);
      } finally {
        queue.release(batch);
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);

  const reensure = async () => {
    try {
      await ensureDurableConsumer(await bus.jsm(), spec);
    } catch (err) {
      logger.warn({ error: describeFailure(err) }, 'could not ensure the durable consumer');
    }
  };

  const watch = async (current: ConsumerMessages) => {
    try {
      for await (const status of current.status()) {
        if (status.type === 'heartbeats_missed')
          logger.warn({ count: status.count }, 'no heartbeat from NATS');
        if (status.type === 'consumer_not_found' || status.type === 'consumer_deleted') {
          logger.warn({ status: status.type }, 'durable consumer is gone; recreating it');
          await reensure();
        }
      }
    } catch {
      // The status stream ends with its messages; the run loop reports why.
    }
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async () => {
    for (let attempt = 0; !stopping; ) {
      try {
        const consumer = await bus.js.consumers.get(spec.stream, name);
        const current = await consumer.consume({ max_messages: prefetch, expires: 10_000 });
        messages = current;
        if (stopping) current.stop();
        void watch(current);
        attempt = 0;
        for await (const msg of current) {
          if (msg.info.redelivered) consumerMetrics.redelivered.inc({ consumer: name });
          queue.push(msg);
          await queue.roomFor(prefetch);
        }
      } catch (err) {
        if (!stopping) logger.warn({ error: describeFailure(err) }, 'consuming failed; resuming');
      }
      messages = undefined;
      if (stopping) break;
      if (bus.nc.isClosed()) {
        logger.error('NATS connection closed; consumer stopped');
        break;
      }
      await pause(redeliveryDelay(++attempt, RESUME_BACKOFF));
      await reensure();
    }
  };

  const loop = run();
  logger.info(
    { handles: options.handlers.typeNames, concurrency, batchSize, maxDeliveries: ctx.maxDeliveries },
    'consumer started',
  );

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    stopping = true;
    // The iterator still yields what was received; applying it beats a nak, which NATS 2.9 may
    // deliver twice while the cancelled pull request lingers on the server.
    messages?.stop();
    wake?.();
    await loop;
    queue.close();
    await Promise.all(workers);
    // Acks are fire-and-forget: a round trip to the server makes sure they reached it.
    if (!bus.nc.isClosed()) await bus.nc.flush().catch(() => {});
    logger.info('consumer stopped');
  };
  return {
    name,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}
