/**
 * Risk's tables: the decisions it made, its projections of completed transfers (velocity) and of
 * opened accounts (account age), and the kit's outbox and inbox.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Objection, Outcome } from '../domain/rules.js';

export { inbox } from '@paymesh/platform/inbox/schema';
export { outbox } from '@paymesh/platform/outbox/schema';

/** One decision per transfer: the first assessment's, returned to every later one. */
export const decisions = pgTable(
  'decisions',
  {
    transferId: uuid('transfer_id').primaryKey(),
    outcome: text('outcome').$type<Outcome>().notNull(),
    reasons: jsonb('reasons').$type<Objection[]>().notNull(),
    sourceAccountId: uuid('source_account_id').notNull(),
    destinationAccountId: uuid('destination_account_id').notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('decisions_outcome_check', sql`${table.outcome} in ('APPROVE', 'REVIEW', 'DENY')`),
    check('decisions_amount_check', sql`${table.amount} > 0`),
    check('decisions_reasons_check', sql`jsonb_typeof(${table.reasons}) = 'array'`),
  ],
);

/** Projection of TransferCompleted: what each source account moved, and when (velocity). */
export const completedTransfers = pgTable(
  'completed_transfers',
  {
    transferId: uuid('transfer_id').primaryKey(),
    sourceAccountId: uuid('source_account_id').notNull(),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('completed_transfers_source_time_idx').on(table.sourceAccountId, table.completedAt),
    check('completed_transfers_amount_check', sql`${table.amount} > 0`),
  ],
);

/** Projection of AccountOpened: when each account was opened (account age). */
export const openedAccounts = pgTable('opened_accounts', {
  accountId: uuid('account_id').primaryKey(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
});

export type DecisionRow = typeof decisions.$inferSelect;
