/** The currency service's tables: rates against the reference currency, locked quotes, and the kit's outbox and inbox. */
import { sql } from 'drizzle-orm';
import { bigint, check, index, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export { inbox } from '@paymesh/platform/inbox/schema';
export { outbox } from '@paymesh/platform/outbox/schema';

/** The price of one unit of each currency in the reference currency (USD), exact to 12 digits. */
export const rates = pgTable(
  'rates',
  {
    currency: text('currency').primaryKey(),
    // The contract's rate: at most 9 integer and 12 fractional digits.
    rate: numeric('rate', { precision: 21, scale: 12 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('rates_currency_code', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('rates_rate_positive', sql`${t.rate} > 0`),
    check('rates_reference_is_one', sql`${t.currency} <> 'USD' or ${t.rate} = 1`),
  ],
);

/** A pair rate locked for one amount until `expires_at`, used by at most one transfer. */
export const quotes = pgTable(
  'quotes',
  {
    quoteId: uuid('quote_id').primaryKey(),
    quoteRequestId: uuid('quote_request_id').notNull().unique(),
    sourceCurrency: text('source_currency').notNull(),
    destinationCurrency: text('destination_currency').notNull(),
    // A pair rate can reach 10^21 (largest rate over the smallest), beyond a single rate's width.
    rate: numeric('rate', { precision: 40, scale: 12 }).notNull(),
    sourceAmount: bigint('source_amount', { mode: 'bigint' }).notNull(),
    destinationAmount: bigint('destination_amount', { mode: 'bigint' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedByTransferId: uuid('used_by_transfer_id'),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('quotes_distinct_currencies', sql`${t.sourceCurrency} <> ${t.destinationCurrency}`),
    check('quotes_rate_positive', sql`${t.rate} > 0`),
    check('quotes_amounts_positive', sql`${t.sourceAmount} > 0 and ${t.destinationAmount} > 0`),
    check('quotes_used_together', sql`(${t.usedByTransferId} is null) = (${t.usedAt} is null)`),
    index('quotes_expires_at_idx').on(t.expiresAt),
  ],
);
