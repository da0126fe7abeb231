/** Pricing a quote's terms at the current rates: the locked pair rate and the converted amount. */
import { convertMinorUnits, pairRate } from './conversion.js';
import { amountTooLarge, amountTooSmall, rateUnavailable } from './currency-failures.js';
import { minorUnitExponent } from './minor-units.js';
import type { QuoteTerms } from './quote.js';

const maxInt64 = 2n ** 63n - 1n;

export interface QuotePrice {
  /** Units of destination per unit of source, at the decimal scale, rounded down. */
  rate: bigint;
  /** Minor units of the destination currency, rounded down. */
  destinationAmount: bigint;
}

/** Prices `terms` at `rates` (scaled prices in the reference currency, by currency code). */
export function priceQuote(terms: QuoteTerms, rates: ReadonlyMap<string, bigint>): QuotePrice {
  const sourceRate = rates.get(terms.sourceCurrency);
  if (sourceRate === undefined) throw rateUnavailable(terms.sourceCurrency);
  const destinationRate = rates.get(terms.destinationCurrency);
  if (destinationRate === undefined) throw rateUnavailable(terms.destinationCurrency);

  const rate = pairRate(sourceRate, destinationRate);
  const destinationAmount = convertMinorUnits({
    sourceAmount: terms.sourceAmount,
    rate,
    sourceExponent: minorUnitExponent(terms.sourceCurrency),
    destinationExponent: minorUnitExponent(terms.destinationCurrency),
  });
  if (destinationAmount === 0n) throw amountTooSmall(terms.sourceCurrency, terms.destinationCurrency);
  if (destinationAmount > maxInt64) throw amountTooLarge(terms.sourceCurrency, terms.destinationCurrency);
  return { rate, destinationAmount };
}
