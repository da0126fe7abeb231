/**
 * The inbox: one row per (consumer, event) that a consumer has applied. The row commits in the same
 * transaction as the handler's writes, so its primary key is what makes a redelivery a no-op. Each
 * service re-exports this table from its own `db/schema.ts`, so drizzle-kit writes it into that
 * service's migrations.
 */
import { sql } from 'drizzle-orm';
import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const inbox = pgTable(
  'inbox',
  {
    /** The durable consumer's name: one service may consume the same event for several purposes. */
    consumer: text('consumer').notNull(),
    /** `Paymesh-Event-Id` of the message (the producer's outbox id), kept across redrives. */
    eventId: text('event_id').notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
);

export type InboxRow = typeof inbox.$inferSelect;
