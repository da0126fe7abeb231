/** The contract's Rate message of a rate setting. */
import { create } from '@bufbuild/protobuf';
import { type Rate, RateSchema } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { formatDecimal } from '../domain/decimal.js';
import type { RateSetting } from '../domain/rate-settings.js';

export function rateMessage({ currency, rate }: RateSetting): Rate {
  return create(RateSchema, { currency, rate: formatDecimal(rate) });
}
