/** Per-currency amount limits in minor units, with a default for every other currency. */

/** The key of the limit that applies to currencies without their own. */
export const ANY_CURRENCY = '*';

export interface AmountLimits {
  /** Limits of the currencies named explicitly, by ISO-4217 code. */
  readonly byCurrency: ReadonlyMap<string, bigint>;
  /** The limit of every other currency. */
  readonly fallback: bigint;
}

/** The limit that applies to `currency`. */
export function amountLimitFor(limits: AmountLimits, currency: string): bigint {
  return limits.byCurrency.get(currency) ?? limits.fallback;
}
