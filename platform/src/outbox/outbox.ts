/**
 * Appending events to the outbox inside the caller's domain transaction: the rows commit or roll
 * back with the state change, and a NOTIFY queued in the same transaction wakes the relay at commit.
 *
 * Appending takes a transaction-scoped advisory lock per aggregate, so two transactions that append
 * to one aggregate commit in the order of their `seq`: the relay may then publish each aggregate's
 * rows in `seq` order and be sure that is commit order. A domain that already locks the aggregate's
 * row pays one uncontended lock. To avoid deadlocks, append a transaction's events for several
 * aggregates in one call (their locks are taken in a fixed order).
 */
import { randomUUID } from 'node:crypto';
import { type DescMessage, isMessage, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { eventTypeOf } from '../events/envelope.js';
import { eventNames } from '../events/naming.js';
import { currentTraceHeaders } from '../telemetry/propagation.js';
import { aggregateLockKey, OutboxLock, partitionOf } from './partition.js';
import { outbox } from './schema.js';

/** The channel appends notify and relays listen on. */
export const OUTBOX_CHANNEL = 'paymesh_outbox';

/** One domain event: a protobuf message and the aggregate it belongs to (the last subject token). */
export interface OutboxEvent<Desc extends DescMessage = DescMessage> {
  schema: Desc;
  message: MessageShape<Desc>;
  aggregateId: string;
}

export interface Outbox {
  /**
   * Adds events to the transaction `tx`, in order; they are published after it commits. Returns
   * their event ids.
   */
  append<const D extends readonly DescMessage[]>(
    tx: Executor,
    ...events: { [K in keyof D]: OutboxEvent<D[K]> }
  ): Promise<string[]>;
}

export interface OutboxOptions {
  /** Event namespace: `paymesh`, or a unique one per test run. */
  namespace: string;
  /** The bounded context whose stream the events go to, e.g. `accounts`. */
  context: string;
}

export function createOutbox(options: OutboxOptions): Outbox {
  const names = eventNames(options.namespace);
  return {
    async append(tx, ...events) {
      if (events.length === 0) return [];
      const traceHeaders = currentTraceHeaders();
      const rows = (events as readonly OutboxEvent[]).map((event) => {
        if (!isMessage(event.message, event.schema)) {
          throw new Error(`outbox event is not a ${event.schema.typeName} message`);
        }
        return {
          id: randomUUID(),
          subject: names.subject(options.context, event.aggregateId),
          aggregateId: event.aggregateId,
          partition: partitionOf(event.aggregateId),
          lockKey: aggregateLockKey(event.aggregateId),
          eventType: eventTypeOf(event.schema.typeName),
          schema: event.schema.typeName,
          payload: toBinary(event.schema, event.message),
          headers: traceHeaders,
        };
      });
      const lockKeys = [...new Set(rows.map((row) => row.lockKey))].sort((a, b) => a - b);
      await tx.execute(
        sql`select pg_advisory_xact_lock(${OutboxLock.aggregate}, k), pg_notify(${OUTBOX_CHANNEL}, '')
            from unnest(${sql.param(lockKeys)}::int[]) as k`,
      );
      await tx.insert(outbox).values(rows.map(({ lockKey: _, ...row }) => row));
      return rows.map((row) => row.id);
    },
  };
}
