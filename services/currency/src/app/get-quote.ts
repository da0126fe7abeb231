/** Reading one quote. */
import type { Database } from '@paymesh/platform/db/database';
import { findQuote } from '../db/quotes-repo.js';
import type * as schema from '../db/schema.js';
import { quoteNotFound } from '../domain/currency-failures.js';
import type { Quote } from '../domain/quote.js';

export async function getQuote(db: Database<typeof schema>, quoteId: string): Promise<Quote> {
  const quote = await findQuote(db, quoteId);
  if (!quote) throw quoteNotFound(quoteId);
  return quote;
}
