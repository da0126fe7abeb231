/**
 * The relay's side of the database. One transaction per batch: lock some partitions that have
 * pending rows, claim their oldest pending rows, and, once they are published, record how that
 * went and commit. The partition locks are transaction-scoped advisory locks and the rows are
 * locked FOR UPDATE, so a relay that dies releases both with its connection and its rows fall back
 * to pending.
 */
import pg from 'pg';
import { OUTBOX_PARTITIONS, OutboxLock } from './partition.js';

/** A pending row as the relay publishes it. */
export interface ClaimedEvent {
  seq: string;
  /** The partition it was claimed from. */
  partition: number;
  id: string;
  subject: string;
  aggregateId: string;
  eventType: string;
  schema: string;
  payload: Uint8Array;
  traceHeaders: Record<string, string>;
  occurredAt: Date;
}

/** How publishing one claimed row went: published, or the error that stopped it. */
export interface PublishOutcome {
  seq: string;
  error?: string;
}

interface ClaimedRow {
  seq: string;
  partition: number;
  id: string;
  subject: string;
  aggregate_id: string;
  event_type: string;
  schema: string;
  payload: Buffer;
  headers: Record<string, string>;
  occurred_at: Date;
}

/**
 * Opens the batch's transaction and claims up to `batchSize` of the oldest pending rows, at most
 * `perPartition` from each partition, from at most `maxPartitions` partitions that no other relay
 * holds; it tries them from a random one on so relays and workers spread over them. Rows come
 * partition by partition, each in `seq` order, so every aggregate's rows are a prefix of its
 * pending ones. Leaves the transaction open.
 */
export async function beginClaim(
  client: pg.ClientBase,
  perPartition: number,
  batchSize: number,
  maxPartitions: number,
): Promise<ClaimedEvent[]> {
  const start = Math.floor(Math.random() * OUTBOX_PARTITIONS);
  const order = Array.from({ length: OUTBOX_PARTITIONS }, (_, i) => (start + i) % OUTBOX_PARTITIONS);
  // One round trip for the three statements (the simple protocol takes no parameters; the values
  // are integers made here). Postgres fetches the CTE only as far as the query needs for its rows,
  // so partitions are locked one by one until the batch is full, and CASE leaves empty ones alone.
  // The statement's snapshot may predate the commit of the relay that held a partition before us;
  // FOR UPDATE re-reads each row's latest version, so rows it published are passed over.
  const results = (await client.query(
    `begin;
     set local synchronous_commit = off;
     with locked as (
       select p from unnest('{${order.map(int).join(',')}}'::int[]) as p
       where case when exists (select 1 from outbox where partition = p and published_at is null)
                  then pg_try_advisory_xact_lock(${int(OutboxLock.partition)}, p) else false end
       limit ${int(maxPartitions)}
     )
     select o.seq, o.partition, o.id, o.subject, o.aggregate_id, o.event_type, o.schema, o.payload, o.headers,
            o.occurred_at
     from locked cross join lateral (
       select * from outbox where partition = locked.p and published_at is null
       order by seq limit ${int(perPartition)} for update skip locked
     ) as o
     limit ${int(batchSize)}`,
  )) as unknown as pg.QueryResult<ClaimedRow>[];
  return (results.at(-1)?.rows ?? []).map((row) => ({
    seq: row.seq,
    partition: row.partition,
    id: row.id,
    subject: row.subject,
    aggregateId: row.aggregate_id,
    eventType: row.event_type,
    schema: row.schema,
    payload: row.payload,
    traceHeaders: row.headers,
    occurredAt: row.occurred_at,
  }));
}

/**
 * Counts an attempt on every row tried, marks the published ones, keeps the error on the others,
 * and commits, in one round trip: the simple protocol takes several statements but no parameters,
 * so the sequence numbers (integers from the claim) and the errors (escaped) are written inline. A
 * lost commit (the database crashing just after) only sends the events again, and the broker drops
 * them: hence the claim's asynchronous commit.
 */
export async function finishClaim(client: pg.ClientBase, outcomes: readonly PublishOutcome[]): Promise<void> {
  const tried = outcomes.map(
    (o) => `(${bigint(o.seq)}, ${o.error === undefined ? 'null' : pg.escapeLiteral(o.error)})`,
  );
  const mark = tried.length
    ? `update outbox as o
       set attempts = o.attempts + 1,
           published_at = case when r.error is null then clock_timestamp() end,
           last_error = coalesce(r.error, o.last_error)
       from (values ${tried.join(', ')}) as r(seq, error)
       where o.seq = r.seq;`
    : '';
  await client.query(`${mark} commit`);
}

function bigint(value: string): string {
  if (!/^\d+$/.test(value)) throw new Error(`${value} is not a sequence number`);
  return value;
}

function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`${value} is not an integer`);
  return String(value);
}
