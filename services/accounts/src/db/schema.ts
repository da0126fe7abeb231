/**
 * The ledger's tables: accounts with their running balances, holds (one per transfer), journal
 * entries with their postings, and the kit's outbox and inbox. The constraints here are the last
 * word on money: a customer's available balance cannot go negative, whatever the code above does.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AccountKindName, AccountStatusName } from '../domain/account-state.js';
import type { HoldStatusName } from '../domain/hold-decisions.js';

export { inbox } from '@paymesh/platform/inbox/schema';
export { outbox } from '@paymesh/platform/outbox/schema';

export type JournalKindName = 'capture' | 'credit';

export const accounts = pgTable(
  'accounts',
  {
    accountId: uuid('account_id').primaryKey().defaultRandom(),
    /** Null for system accounts. */
    ownerId: uuid('owner_id'),
    currency: text('currency').notNull(),
    kind: text('kind').$type<AccountKindName>().notNull(),
    status: text('status').$type<AccountStatusName>().notNull().default('active'),
    postedBalance: bigint('posted_balance', { mode: 'bigint' }).notNull().default(sql`0`),
    heldBalance: bigint('held_balance', { mode: 'bigint' }).notNull().default(sql`0`),
    /** The OpenAccount request that created it; null for system accounts. */
    openRequestId: uuid('open_request_id').unique('accounts_open_request_id_key'),
    // Millisecond precision: the page token carries it exactly, and so does a protobuf Timestamp from a Date.
    openedAt: timestamp('opened_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('accounts_kind_check', sql`${t.kind} in ('customer', 'funding', 'fx_pool')`),
    check('accounts_status_check', sql`${t.status} in ('active', 'frozen')`),
    check(
      'accounts_owner_check',
      sql`(${t.kind} = 'customer' and ${t.ownerId} is not null and ${t.openRequestId} is not null)
          or (${t.kind} <> 'customer' and ${t.ownerId} is null and ${t.openRequestId} is null)`,
    ),
    check('accounts_held_non_negative', sql`${t.heldBalance} >= 0`),
    check(
      'accounts_available_non_negative',
      sql`${t.kind} <> 'customer' or ${t.postedBalance} - ${t.heldBalance} >= 0`,
    ),
    uniqueIndex('accounts_system_per_currency_idx')
      .on(t.kind, t.currency)
      .where(sql`${t.kind} <> 'customer'`),
    index('accounts_owner_opened_idx').on(t.ownerId, t.openedAt, t.accountId),
  ],
);

/**
 * One hold per transfer. A tombstone (a release of a transfer that never held) has no account,
 * amount 0 and status released, so a hold arriving after it is refused.
 */
export const holds = pgTable(
  'holds',
  {
    transferId: uuid('transfer_id').primaryKey(),
    accountId: uuid('account_id').references(() => accounts.accountId),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency'),
    status: text('status').$type<HoldStatusName>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    releaseReason: text('release_reason'),
    destinationAccountId: uuid('destination_account_id').references(() => accounts.accountId),
    destinationAmount: bigint('destination_amount', { mode: 'bigint' }),
    destinationCurrency: text('destination_currency'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('holds_status_check', sql`${t.status} in ('held', 'captured', 'released')`),
    check(
      'holds_shape_check',
      sql`(${t.accountId} is not null and ${t.amount} > 0 and ${t.currency} is not null and ${t.expiresAt} is not null)
          or (${t.accountId} is null and ${t.amount} = 0 and ${t.currency} is null and ${t.status} = 'released')`,
    ),
    check(
      'holds_capture_check',
      sql`(${t.status} = 'captured') = (${t.destinationAccountId} is not null
          and ${t.destinationAmount} > 0 and ${t.destinationCurrency} is not null)`,
    ),
    // Only held holds are swept, so only they are indexed.
    index('holds_held_expiry_idx').on(t.status, t.expiresAt).where(sql`${t.status} = 'held'`),
  ],
);

/** A balanced set of postings: a capture (keyed by transfer) or a credit (keyed by credit id). */
export const journalEntries = pgTable(
  'journal_entries',
  {
    entryId: uuid('entry_id').primaryKey(),
    kind: text('kind').$type<JournalKindName>().notNull(),
    transferId: uuid('transfer_id').unique('journal_entries_transfer_id_key'),
    creditId: uuid('credit_id').unique('journal_entries_credit_id_key'),
    /** What a credit is for, for the statement. */
    reference: text('reference'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'journal_entries_key_check',
      sql`(${t.kind} = 'capture' and ${t.transferId} is not null and ${t.creditId} is null)
          or (${t.kind} = 'credit' and ${t.creditId} is not null and ${t.transferId} is null)`,
    ),
  ],
);

/** One signed line of an entry; an entry's lines sum to zero per currency. */
export const postings = pgTable(
  'postings',
  {
    entryId: uuid('entry_id').notNull(),
    /** Position in the entry, so an entry reads back in the order it was posted. */
    line: smallint('line').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.accountId),
    amount: bigint('amount', { mode: 'bigint' }).notNull(),
    currency: text('currency').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.entryId, t.line] }),
    foreignKey({ columns: [t.entryId], foreignColumns: [journalEntries.entryId] }),
    check('postings_amount_non_zero', sql`${t.amount} <> 0`),
  ],
);

export type AccountRow = typeof accounts.$inferSelect;
export type HoldRow = typeof holds.$inferSelect;
export type PostingRow = typeof postings.$inferSelect;
