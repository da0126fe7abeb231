/** Reading an operator's rate update: exact decimals, one per currency, the reference fixed at 1. */
import { invalidArgument, type Violation } from '@paymesh/platform/errors/domain-error';
import { DECIMAL_ONE, parseDecimal } from './decimal.js';
import { REFERENCE_CURRENCY } from './reference-currency.js';

/** A rate as the contract carries it. */
export interface RateText {
  currency: string;
  rate: string;
}

/** A rate to set: the price of one unit of `currency` in the reference currency, at the decimal scale. */
export interface RateSetting {
  currency: string;
  rate: bigint;
}

/** The settings of `rates`, or INVALID_ARGUMENT naming every `rates[i]` field at fault. */
export function parseRateSettings(rates: readonly RateText[]): RateSetting[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  const settings = rates.map(({ currency, rate: text }, i): RateSetting => {
    if (seen.has(currency)) {
      violations.push({
        field: `rates[${i}].currency`,
        rule: 'unique',
        description: `${currency} is listed more than once`,
      });
    }
    seen.add(currency);
    const rate = parseDecimal(text);
    if (rate === undefined) {
      violations.push({
        field: `rates[${i}].rate`,
        rule: 'decimal',
        description: 'must be a decimal number',
      });
    } else if (currency === REFERENCE_CURRENCY && rate !== DECIMAL_ONE) {
      violations.push({
        field: `rates[${i}].rate`,
        rule: 'reference',
        description: `${REFERENCE_CURRENCY} is the reference currency: its rate is 1`,
      });
    } else if (rate === 0n) {
      violations.push({ field: `rates[${i}].rate`, rule: 'gt', description: 'must be greater than 0' });
    }
    return { currency, rate: rate ?? 0n };
  });
  if (violations.length > 0) throw invalidArgument(violations);
  return settings;
}
