/**
 * The `outbox` table: events written in the same transaction as the state change they describe,
 * waiting for the relay to publish them. Each service re-exports it from its own db/schema.ts so
 * drizzle-kit puts it in that service's migrations.
 *
 * - `seq` (identity) is the order of the rows; per aggregate it is commit order, because appending
 *   locks the aggregate until commit (see outbox.ts). It is the primary key: small and ordered.
 * - `id` (uuid) is the event id: Nats-Msg-Id (broker dedupe) and Paymesh-Event-Id (consumers' inbox).
 *   Nothing looks rows up by it, so it has no index: each one costs every append and every mark.
 * - `subject` is stored whole, so the relay needs no knowledge of namespaces or contexts.
 * - `partition` = hash(aggregate id) mod OUTBOX_PARTITIONS: the unit one relay works at a time.
 * - `headers` holds the W3C trace context of the appending transaction, so the trace continues.
 * - `attempts` and `last_error` say how publishing went; `published_at` null means pending.
 * - Indexes: a partial one over pending rows by (partition, seq) serves the relay's claims, and
 *   stays as small as the backlog; a BRIN over `published_at` serves pruning, nearly free to keep
 *   since rows are marked in roughly the order they are stored.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

export const outbox = pgTable(
  'outbox',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: uuid('id').notNull(),
    subject: text('subject').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    partition: smallint('partition').notNull(),
    eventType: text('event_type').notNull(),
    /** Fully-qualified protobuf name of the payload. */
    schema: text('schema').notNull(),
    payload: bytea('payload').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    /** When the event was appended, a moment before its transaction commits. */
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_pending_idx').on(t.partition, t.seq).where(sql`${t.publishedAt} is null`),
    index('outbox_published_idx').using('brin', t.publishedAt).with({ autosummarize: true }),
  ],
);

export type OutboxRow = typeof outbox.$inferSelect;
