/** The CurrencyService handlers: decode, call the use case, map the result. */
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import type { Database } from '@paymesh/platform/db/database';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import type { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { convertWithQuote } from '../app/convert-with-quote.js';
import { createQuote } from '../app/create-quote.js';
import { getQuote } from '../app/get-quote.js';
import { getRates, type RateBook } from '../app/get-rates.js';
import { updateRates } from '../app/update-rates.js';
import type * as schema from '../db/schema.js';
import { REFERENCE_CURRENCY } from '../domain/reference-currency.js';
import { quoteMessage } from '../messages/quote-message.js';
import { rateMessage } from '../messages/rate-message.js';

export interface CurrencyHandlerOptions {
  /** How long a new quote stays usable. */
  quoteTtlMs: number;
}

export function currencyHandlers(
  db: Database<typeof schema>,
  outbox: Outbox,
  options: CurrencyHandlerOptions,
): ServiceImpl<typeof CurrencyService> {
  return {
    async getRates() {
      const book = await getRates(db);
      return { ...rateBookMessage(book), updatedAt: book.updatedAt && timestampFromDate(book.updatedAt) };
    },
    async updateRates(req) {
      return rateBookMessage(await updateRates(db, outbox, req.rates));
    },
    async createQuote(req) {
      return { quote: quoteMessage(await createQuote(db, req, options.quoteTtlMs)) };
    },
    async getQuote(req) {
      return { quote: quoteMessage(await getQuote(db, req.quoteId)) };
    },
    async convert(req) {
      return { quote: quoteMessage(await convertWithQuote(db, outbox, req.quoteId, req.transferId)) };
    },
  };
}

function rateBookMessage(book: RateBook) {
  return { referenceCurrency: REFERENCE_CURRENCY, rates: book.rates.map(rateMessage) };
}
