/** A quote: a pair rate locked for one amount until an expiry, usable by one transfer. */
import type { DomainError } from '@paymesh/platform/errors/domain-error';
import { quoteExpired, quoteUsed } from './currency-failures.js';

/** What a quote request asks for; a repeated request id must ask the same. */
export interface QuoteTerms {
  sourceCurrency: string;
  destinationCurrency: string;
  /** Minor units of the source currency. */
  sourceAmount: bigint;
}

export interface Quote extends QuoteTerms {
  quoteId: string;
  quoteRequestId: string;
  /** Units of destination per unit of source, at the decimal scale. */
  rate: bigint;
  /** Minor units of the destination currency, rounded down. */
  destinationAmount: bigint;
  expiresAt: Date;
  /** The transfer that used it; null while unused. */
  usedByTransferId: string | null;
}

export function hasTerms(quote: QuoteTerms, terms: QuoteTerms): boolean {
  return (
    quote.sourceCurrency === terms.sourceCurrency &&
    quote.destinationCurrency === terms.destinationCurrency &&
    quote.sourceAmount === terms.sourceAmount
  );
}

/**
 * Why a quote the guarded use did not mark cannot serve `transferId`; undefined when it already
 * serves that transfer (a replay gets the same answer, even after expiry). The guarded use marks
 * every unused, unexpired quote, so an unused quote it left alone has expired.
 */
export function refusalOfUse(quote: Quote, transferId: string): DomainError | undefined {
  if (quote.usedByTransferId === transferId) return undefined;
  if (quote.usedByTransferId !== null) return quoteUsed(quote.quoteId);
  return quoteExpired(quote.quoteId, quote.expiresAt);
}
