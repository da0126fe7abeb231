/**
 * What a consumer does with a batch of deliveries. In one transaction it inserts their inbox rows
 * (consumer, event id) with ON CONFLICT DO NOTHING and runs the handler of each event whose row is
 * new, in arrival order; after the commit it acks them all. A redelivery of an applied event finds
 * its row and is acked without effect. If the batch fails, its events are applied one by one so that
 * one failing event holds back no other; a failure is handed back with a backoff, or dead-lettered
 * when it is permanent or the delivery was the last one allowed. Never throws.
 */
import { type DescMessage, fromBinary } from '@bufbuild/protobuf';
import type { JsMsg } from '@nats-io/jetstream';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { EventHeader, eventTypeOf } from '../events/envelope.js';
import { inbox } from '../inbox/schema.js';
import type { Bus } from '../nats/connection.js';
import type { Logger } from '../telemetry/logger.js';
import { withConsumeSpan } from '../telemetry/messaging.js';
import { type BackoffPolicy, redeliveryDelay } from './backoff.js';
import { consumerMetrics } from './consumer-metrics.js';
import { publishDeadLetter } from './dead-letters.js';
import { classifyFailure, describeFailure, UnprocessableEventError } from './failure.js';
import type { EventHandlers, EventMeta, RegisteredHandler } from './handlers.js';

export interface ApplyContext<S extends Record<string, unknown>> {
  db: Database<S>;
  bus: Bus;
  namespace: string;
  consumer: string;
  handlers: EventHandlers<S>;
  maxDeliveries: number;
  backoff: BackoffPolicy;
  logger: Logger;
}

/** A delivery that has a handler and a decoded event. */
interface Applicable<S extends Record<string, unknown>> {
  msg: JsMsg;
  meta: EventMeta;
  registered: RegisteredHandler<S>;
  event: unknown;
}

type Outcome = 'applied' | 'duplicate';

export async function applyBatch<S extends Record<string, unknown>>(
  ctx: ApplyContext<S>,
  msgs: readonly JsMsg[],
): Promise<void> {
  const applicable: Applicable<S>[] = [];
  for (const msg of msgs) {
    const prepared = await prepare(ctx, msg);
    if (prepared) applicable.push(prepared);
  }
  if (applicable.length === 0) return;
  try {
    settleApplied(ctx, applicable, await applyTogether(ctx, applicable));
  } catch (err) {
    if (applicable.length === 1) {
      await settleFailure(ctx, applicable[0] as Applicable<S>, err);
      return;
    }
    ctx.logger.debug(
      { size: applicable.length, reason: describeFailure(err) },
      'batch failed; applying one by one',
    );
    for (const one of applicable) {
      try {
        settleApplied(ctx, [one], await applyTogether(ctx, [one]));
      } catch (oneErr) {
        await settleFailure(ctx, one, oneErr);
      }
    }
  }
}

/** Reads and decodes a delivery; settles at once what has no handler or can never be applied. */
async function prepare<S extends Record<string, unknown>>(
  ctx: ApplyContext<S>,
  msg: JsMsg,
): Promise<Applicable<S> | undefined> {
  let meta: EventMeta | undefined;
  try {
    meta = readEventMeta(msg);
    const registered = ctx.handlers.find(meta.schema);
    if (!registered) {
      ctx.logger.debug(logFields(msg, meta), 'no handler for this event type; skipped');
      consumerMetrics.skipped.inc({ consumer: ctx.consumer, reason: 'unhandled' });
      settle(ctx, msg, 'ack');
      return undefined;
    }
    return { msg, meta, registered, event: decode(registered.schema, msg, meta) };
  } catch (err) {
    await settleFailure(ctx, { msg, meta }, err);
    return undefined;
  }
}

function decode(schema: DescMessage, msg: JsMsg, meta: EventMeta): unknown {
  try {
    return fromBinary(schema, msg.data);
  } catch (err) {
    throw new UnprocessableEventError(`cannot decode ${meta.schema}: ${describeFailure(err)}`, {
      cause: err,
    });
  }
}

async function applyTogether<S extends Record<string, unknown>>(
  ctx: ApplyContext<S>,
  batch: readonly Applicable<S>[],
): Promise<Outcome[]> {
  return inTransaction(ctx.db, async (tx) => {
    // One statement whatever the batch size (an array, not a VALUES list per event).
    const { rows: inserted } = await tx.execute<{ event_id: string }>(sql`
      insert into ${inbox} (consumer, event_id)
      select ${ctx.consumer}, unnest(${sql.param(batch.map((d) => d.meta.eventId))}::text[])
      on conflict do nothing
      returning event_id`);
    const fresh = new Set(inserted.map((row) => row.event_id));
    const outcomes: Outcome[] = [];
    for (const d of batch) {
      // `delete`: a second copy of one event in the same batch is a duplicate too.
      if (!fresh.delete(d.meta.eventId)) {
        outcomes.push('duplicate');
        continue;
      }
      await withConsumeSpan(spanOf(ctx, d), async () => {
        const started = performance.now();
        try {
          await d.registered.handle(d.event, tx, d.meta);
        } finally {
          consumerMetrics.handlerDuration.observe(
            { consumer: ctx.consumer },
            (performance.now() - started) / 1_000,
          );
        }
      });
      outcomes.push('applied');
    }
    return outcomes;
  });
}

function settleApplied<S extends Record<string, unknown>>(
  ctx: ApplyContext<S>,
  batch: readonly Applicable<S>[],
  outcomes: readonly Outcome[],
): void {
  batch.forEach((d, i) => {
    settle(ctx, d.msg, 'ack');
    if (outcomes[i] === 'applied') {
      consumerMetrics.applied.inc({ consumer: ctx.consumer });
      ctx.logger.debug(logFields(d.msg, d.meta), 'event applied');
    } else {
      consumerMetrics.skipped.inc({ consumer: ctx.consumer, reason: 'duplicate' });
      ctx.logger.debug(logFields(d.msg, d.meta), 'event already applied; acked without effect');
    }
  });
}

async function settleFailure<S extends Record<string, unknown>>(
  ctx: ApplyContext<S>,
  { msg, meta }: { msg: JsMsg; meta: EventMeta | undefined },
  err: unknown,
): Promise<void> {
  const kind = classifyFailure(err);
  const deliveryCount = msg.info.deliveryCount;
  const reason = describeFailure(err);
  const fields = { ...logFields(msg, meta), kind, reason };
  if (kind === 'permanent' || (kind === 'failed' && deliveryCount >= ctx.maxDeliveries)) {
    try {
      await publishDeadLetter(ctx.bus, ctx.namespace, ctx.consumer, msg, reason);
    } catch (publishErr) {
      const delayMs = redeliveryDelay(deliveryCount, ctx.backoff);
      ctx.logger.error(
        { ...fields, delayMs, publishError: describeFailure(publishErr) },
        'could not dead-letter the event; it will be redelivered',
      );
      settle(ctx, msg, 'nak', delayMs);
      return;
    }
    settle(ctx, msg, 'term');
    consumerMetrics.deadLettered.inc({ consumer: ctx.consumer });
    ctx.logger.error(fields, 'event dead-lettered');
    return;
  }
  const delayMs = redeliveryDelay(deliveryCount, ctx.backoff);
  settle(ctx, msg, 'nak', delayMs);
  consumerMetrics.retried.inc({ consumer: ctx.consumer, kind });
  ctx.logger.warn({ ...fields, delayMs }, 'event failed; redelivery scheduled');
}

/** Acks, naks or terms; on a closed connection the verdict is lost and the broker redelivers. */
function settle<S extends Record<string, unknown>>(
  ctx: ApplyContext<S>,
  msg: JsMsg,
  verdict: 'ack' | 'nak' | 'term',
  delayMs?: number,
): void {
  try {
    if (verdict === 'ack') msg.ack();
    else if (verdict === 'nak') msg.nak(delayMs);
    else msg.term();
  } catch (err) {
    ctx.logger.warn(
      { ...logFields(msg, undefined), verdict, error: describeFailure(err) },
      'could not settle the delivery; the broker will redeliver it',
    );
  }
}

/** Reads the envelope headers; a message without an event id or schema can never be applied. */
function readEventMeta(msg: JsMsg): EventMeta {
  const header = (key: string) => msg.headers?.get(key) || undefined;
  const eventId = header(EventHeader.eventId);
  const schema = header(EventHeader.schema);
  if (!eventId || !schema) {
    const missing = [!eventId && EventHeader.eventId, !schema && EventHeader.schema].filter(Boolean);
    throw new UnprocessableEventError(`missing ${missing.join(' and ')} header`);
  }
  const occurredAt = new Date(header(EventHeader.occurredAt) ?? Number.NaN);
  return {
    eventId,
    schema,
    eventType: header(EventHeader.eventType) ?? eventTypeOf(schema),
    subject: msg.subject,
    aggregateId: header(EventHeader.aggregateId) ?? msg.subject.slice(msg.subject.lastIndexOf('.') + 1),
    deliveryCount: msg.info.deliveryCount,
    streamSequence: msg.info.streamSequence,
    occurredAt: Number.isNaN(occurredAt.getTime()) ? msg.time : occurredAt,
  };
}

function spanOf<S extends Record<string, unknown>>(ctx: ApplyContext<S>, d: Applicable<S>) {
  const traceHeaders: Record<string, string> = {};
  for (const key of [EventHeader.traceparent, EventHeader.tracestate]) {
    const value = d.msg.headers?.get(key);
    if (value) traceHeaders[key] = value;
  }
  return {
    subject: d.msg.subject,
    traceHeaders,
    attributes: {
      'messaging.consumer.group.name': ctx.consumer,
      'messaging.message.id': d.meta.eventId,
      'paymesh.event.type': d.meta.eventType,
      'paymesh.delivery_count': d.meta.deliveryCount,
    },
  };
}

/** Log fields of a delivery; `trace_id` is the producer's, to find the trace of a failure. */
function logFields(msg: JsMsg, meta: EventMeta | undefined) {
  const traceId = msg.headers?.get(EventHeader.traceparent).split('-')[1];
  return {
    subject: msg.subject,
    streamSequence: msg.info.streamSequence,
    deliveryCount: msg.info.deliveryCount,
    ...(meta ? { eventId: meta.eventId, eventType: meta.eventType } : {}),
    ...(traceId ? { trace_id: traceId } : {}),
  };
}
