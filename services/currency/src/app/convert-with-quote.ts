/**
 * Using a quote for one transfer: one guarded UPDATE marks it when unused and unexpired, with its
 * QuoteUsed event in the same transaction. The same transfer again gets the same answer.
 */

import { create } from '@bufbuild/protobuf';
import type { Database } from '@paymesh/platform/db/database';
import { inTransaction } from '@paymesh/platform/db/transaction';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import { QuoteUsedSchema } from '@paymesh/proto/paymesh/currency/v1/events_pb';
import { findQuote, markQuoteUsed } from '../db/quotes-repo.js';
import type * as schema from '../db/schema.js';
import { quoteNotFound } from '../domain/currency-failures.js';
import { type Quote, refusalOfUse } from '../domain/quote.js';
import { quoteMessage } from '../messages/quote-message.js';

export async function convertWithQuote(
  db: Database<typeof schema>,
  outbox: Outbox,
  quoteId: string,
  transferId: string,
): Promise<Quote> {
  return inTransaction(db, async (tx) => {
    const marked = await markQuoteUsed(tx, quoteId, transferId);
    if (marked) {
      await outbox.append(tx, {
        schema: QuoteUsedSchema,
        message: create(QuoteUsedSchema, { quote: quoteMessage(marked) }),
        aggregateId: marked.quoteId,
      });
      return marked;
    }
    const quote = await findQuote(tx, quoteId);
    if (!quote) throw quoteNotFound(quoteId);
    const refusal = refusalOfUse(quote, transferId);
    if (refusal) throw refusal;
    return quote;
  });
}
