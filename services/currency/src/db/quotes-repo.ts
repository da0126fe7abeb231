/** Storing quotes and using them: the insert keyed by request id, the guarded mark, the pruning. */
import type { Executor } from '@paymesh/platform/db/database';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { formatDecimal, parseDecimal } from '../domain/decimal.js';
import type { Quote } from '../domain/quote.js';
import { quotes } from './schema.js';

/** A new quote; it expires `ttlMs` after the database's now. */
export type NewQuote = Omit<Quote, 'expiresAt' | 'usedByTransferId'> & { ttlMs: number };

/** Inserts `quote` unless its request id has one already; returns it, or undefined when it lost. */
export async function insertQuote(db: Executor, { ttlMs, ...quote }: NewQuote): Promise<Quote | undefined> {
  const [row] = await db
    .insert(quotes)
    .values({
      ...quote,
      rate: formatDecimal(quote.rate),
      // Millisecond precision, so the expiry a caller is shown is the one Convert checks.
      expiresAt: sql`date_trunc('milliseconds', now() + ${ttlMs}::bigint * interval '1 millisecond')`,
    })
    .onConflictDoNothing({ target: quotes.quoteRequestId })
    .returning();
  return row && toQuote(row);
}

export async function findQuote(db: Executor, quoteId: string): Promise<Quote | undefined> {
  const [row] = await db.select().from(quotes).where(eq(quotes.quoteId, quoteId));
  return row && toQuote(row);
}

export async function findQuoteByRequestId(db: Executor, quoteRequestId: string): Promise<Quote | undefined> {
  const [row] = await db.select().from(quotes).where(eq(quotes.quoteRequestId, quoteRequestId));
  return row && toQuote(row);
}

/** Marks the quote used by `transferId` if it is unused and unexpired; returns it when it did. */
export async function markQuoteUsed(
  tx: Executor,
  quoteId: string,
  transferId: string,
): Promise<Quote | undefined> {
  const [row] = await tx
    .update(quotes)
    .set({ usedByTransferId: transferId, usedAt: sql`now()` })
    .where(
      and(eq(quotes.quoteId, quoteId), isNull(quotes.usedByTransferId), gt(quotes.expiresAt, sql`now()`)),
    )
    .returning();
  return row && toQuote(row);
}

/** Deletes up to `limit` quotes that expired more than `retentionMs` ago; returns how many. */
export async function deleteExpiredQuotes(db: Executor, retentionMs: number, limit: number): Promise<number> {
  const expired = db
    .select({ quoteId: quotes.quoteId })
    .from(quotes)
    .where(sql`${quotes.expiresAt} < now() - ${retentionMs}::bigint * interval '1 millisecond'`)
    .orderBy(quotes.expiresAt)
    .limit(limit);
  const deleted = await db
    .delete(quotes)
    .where(sql`${quotes.quoteId} in (${expired})`)
    .returning({ quoteId: quotes.quoteId });
  return deleted.length;
}

function toQuote(row: typeof quotes.$inferSelect): Quote {
  const rate = parseDecimal(row.rate);
  if (rate === undefined)
    throw new Error(`stored rate of quote ${row.quoteId} is not a decimal: ${row.rate}`);
  return {
    quoteId: row.quoteId,
    quoteRequestId: row.quoteRequestId,
    sourceCurrency: row.sourceCurrency,
    destinationCurrency: row.destinationCurrency,
    rate,
    sourceAmount: row.sourceAmount,
    destinationAmount: row.destinationAmount,
    expiresAt: row.expiresAt,
    usedByTransferId: row.usedByTransferId,
  };
}
