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
          payload: asBuffer(toBinary(event.schema, event.message)),
        };
      });
      const lockKeys = [...new Set(rows.map((row) => row.lockKey))].sort((a, b) => a - b);
      // One statement, one round trip: the uncorrelated subquery runs once, before the first row is
      // numbered, so the aggregates' locks are held when `seq` is drawn; rows are inserted (and
      // numbered) in the arrays' order. Arrays of columns rather than a VALUES list keep the
      // statement the same whatever the number of events.
      await tx.execute(sql`
        insert into outbox (id, subject, aggregate_id, partition, event_type, schema, payload, headers)
        select e.id, e.subject, e.aggregate_id, e.partition, e.event_type, e.schema, e.payload,
               ${JSON.stringify(traceHeaders)}::jsonb
        from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.subject))}::text[],
                    ${sql.param(rows.map((r) => r.aggregateId))}::text[], ${sql.param(rows.map((r) => r.partition))}::smallint[],
                    ${sql.param(rows.map((r) => r.eventType))}::text[], ${sql.param(rows.map((r) => r.schema))}::text[],
                    ${sql.param(rows.map((r) => r.payload))}::bytea[])
             with ordinality as e(id, subject, aggregate_id, partition, event_type, schema, payload, n)
        where (select count(*) from (
                select pg_advisory_xact_lock(${OutboxLock.aggregate}, k), pg_notify(${OUTBOX_CHANNEL}, '')
                from unnest(${sql.param(lockKeys)}::int[]) as k) as locks) = ${lockKeys.length}
        order by e.n`);
      return rows.map((row) => row.id);
    },
  };
}

/** The bytes as a Buffer without copying them: node-postgres encodes Buffers in arrays as bytea. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
