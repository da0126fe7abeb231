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
      const headers = JSON.stringify(currentTraceHeaders());
      const rows = (events as readonly OutboxEvent[]).map((event): OutboxRow => {
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
          headers,
        };
      });
      const deferred = deferredRows.get(tx);
      if (deferred) deferred.push(...rows);
      else await appendRows(tx, rows);
      return rows.map((row) => row.id);
    },
  };
}

/** An outbox row as appended, before the database numbers it. */
export interface OutboxRow {
  id: string;
  subject: string;
  aggregateId: string;
  partition: number;
  lockKey: number;
  eventType: string;
  schema: string;
  payload: Buffer;
  /** The W3C trace context of the append, as JSON. */
  headers: string;
}

const deferredRows = new WeakMap<object, OutboxRow[]>();

/**
 * Until the returned function is called, appends on `tx` gather their rows into `into` rather than
 * insert them (a group commit inserts a whole group's rows with `appendRows` before COMMIT).
 */
export function deferAppends(tx: Executor, into: OutboxRow[]): () => void {
  deferredRows.set(tx, into);
  return () => deferredRows.delete(tx);
}

/**
 * Inserts rows into the outbox in their order, under their aggregates' locks (taken in a fixed
 * order), and queues the NOTIFY that wakes the relay at commit.
 */
export async function appendRows(tx: Executor, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  const lockKeys = [...new Set(rows.map((row) => row.lockKey))].sort((a, b) => a - b);
  // One statement, one round trip: the uncorrelated subquery runs once, before the first row is
  // numbered, so the aggregates' locks are held when `seq` is drawn; rows are inserted (and
  // numbered) in the arrays' order. Arrays of columns rather than a VALUES list keep the
  // statement the same whatever the number of events.
  await tx.execute(sql`
    insert into outbox (id, subject, aggregate_id, partition, event_type, schema, payload, headers)
    select e.id, e.subject, e.aggregate_id, e.partition, e.event_type, e.schema, e.payload, e.headers::jsonb
    from unnest(${sql.param(rows.map((r) => r.id))}::uuid[], ${sql.param(rows.map((r) => r.subject))}::text[],
                ${sql.param(rows.map((r) => r.aggregateId))}::text[], ${sql.param(rows.map((r) => r.partition))}::smallint[],
                ${sql.param(rows.map((r) => r.eventType))}::text[], ${sql.param(rows.map((r) => r.schema))}::text[],
                ${sql.param(rows.map((r) => r.payload))}::bytea[], ${sql.param(rows.map((r) => r.headers))}::text[])
         with ordinality as e(id, subject, aggregate_id, partition, event_type, schema, payload, headers, n)
    where (select count(*) from (
            select pg_advisory_xact_lock(${OutboxLock.aggregate}, k), pg_notify(${OUTBOX_CHANNEL}, '')
            from unnest(${sql.param(lockKeys)}::int[]) as k) as locks) = ${lockKeys.length}
    order by e.n`);
}

/** The bytes as a Buffer without copying them: node-postgres encodes Buffers in arrays as bytea. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
