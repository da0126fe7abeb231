/**
 * Creating a quote: the pair rate of now, locked for the TTL. One quote per quote request id, kept
 * by the unique key; the same request again gets that quote, whatever the rates are now.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '@paymesh/platform/db/database';
import { invalidArgument } from '@paymesh/platform/errors/domain-error';
import { findQuoteByRequestId, insertQuote } from '../db/quotes-repo.js';
import { readRatesOf } from '../db/rates-repo.js';
import type * as schema from '../db/schema.js';
import { quoteRequestMismatch } from '../domain/currency-failures.js';
import { hasTerms, type Quote, type QuoteTerms } from '../domain/quote.js';
import { priceQuote } from '../domain/quote-pricing.js';

export interface QuoteRequest extends QuoteTerms {
  quoteRequestId: string;
}

export async function createQuote(
  db: Database<typeof schema>,
  request: QuoteRequest,
  ttlMs: number,
): Promise<Quote> {
  if (request.sourceCurrency === request.destinationCurrency) {
    throw invalidArgument([
      { field: 'destination_currency', rule: 'distinct', description: 'must differ from source_currency' },
    ]);
  }
  // A replay answers from the stored quote even if pricing it now would fail; the insert's unique
  // key, not this read, is what keeps one quote per request id.
  const replayed = await findQuoteByRequestId(db, request.quoteRequestId);
  if (replayed) return sameTerms(replayed, request);

  const price = priceQuote(
    request,
    await readRatesOf(db, [request.sourceCurrency, request.destinationCurrency]),
  );
  const created = await insertQuote(db, { ...request, ...price, quoteId: randomUUID(), ttlMs });
  if (created) return created;
  const winner = await findQuoteByRequestId(db, request.quoteRequestId);
  if (!winner) throw new Error(`quote request ${request.quoteRequestId} conflicted but has no quote`);
  return sameTerms(winner, request);
}

function sameTerms(quote: Quote, request: QuoteRequest): Quote {
  if (!hasTerms(quote, request)) throw quoteRequestMismatch(request.quoteRequestId, quote.quoteId);
  return quote;
}
