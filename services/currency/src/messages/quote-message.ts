/** The contract's Quote message of a domain quote. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Quote as QuoteMessage, QuoteSchema } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { formatDecimal } from '../domain/decimal.js';
import type { Quote } from '../domain/quote.js';

export function quoteMessage(quote: Quote): QuoteMessage {
  return create(QuoteSchema, {
    quoteId: quote.quoteId,
    sourceCurrency: quote.sourceCurrency,
    destinationCurrency: quote.destinationCurrency,
    rate: formatDecimal(quote.rate),
    sourceAmount: quote.sourceAmount,
    destinationAmount: quote.destinationAmount,
    expiresAt: timestampFromDate(quote.expiresAt),
    usedByTransferId: quote.usedByTransferId ?? '',
  });
}
