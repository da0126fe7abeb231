/** The tables of transactions: transfers with their saga state, their step history, and the kit's outbox. */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export { outbox } from '@paymesh/platform/outbox/schema';

export const transfers = pgTable(
  'transfers',
  {
    transferId: uuid('transfer_id').primaryKey(),
    /** One key, one transfer: the unique index is the whole idempotency guard. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** SHA-256 of the request's terms, to tell a retry from a reuse of the key. */
    requestFingerprint: text('request_fingerprint').notNull(),
    sourceAccountId: uuid('source_account_id').notNull(),
    destinationAccountId: uuid('destination_account_id').notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    description: text('description').notNull().default(''),
    state: text('state').notNull(),
    destinationAmount: bigint('destination_amount', { mode: 'bigint' }),
    destinationCurrency: text('destination_currency'),
    fxRate: text('fx_rate'),
    quoteId: uuid('quote_id'),
    flaggedForReview: boolean('flagged_for_review').notNull().default(false),
    failureReason: text('failure_reason'),
    failureMessage: text('failure_message'),
    /** Consecutive transient failures of the current step; drives the retry backoff. */
    attempts: integer('attempts').notNull().default(0),
    /** When the recovery loop may next advance it (non-terminal transfers only). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** A driver owns the saga until then; another takes over only after it lapses. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** Millisecond precision, so a page token (a JS Date) names a row exactly. */
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'transfers_state_known',
      sql`${t.state} in ('pending', 'funds_held', 'compensating', 'completed', 'failed', 'rejected')`,
    ),
    check('transfers_amount_positive', sql`${t.amount} > 0`),
    check('transfers_distinct_accounts', sql`${t.sourceAccountId} <> ${t.destinationAccountId}`),
    index('transfers_by_source').on(t.sourceAccountId, t.createdAt.desc(), t.transferId.desc()),
    index('transfers_by_destination').on(t.destinationAccountId, t.createdAt.desc(), t.transferId.desc()),
    index('transfers_to_resume')
      .on(t.nextAttemptAt)
      .where(sql`${t.state} in ('pending', 'funds_held', 'compensating')`),
  ],
);

export const transferSteps = pgTable(
  'transfer_steps',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    transferId: uuid('transfer_id')
      .notNull()
      .references(() => transfers.transferId),
    name: text('name').notNull(),
    status: text('status').notNull(),
    detail: text('detail').notNull().default(''),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('transfer_steps_by_transfer').on(t.transferId, t.id)],
);
