/**
 * Money on screen: integer minor units (bigint) formatted in their currency, and what a person
 * types ("12.50") turned into minor units exactly, with string arithmetic and never a float.
 */

/** The contract's ceiling for any amount, in minor units. */
export const MAX_MINOR_UNITS = 1_000_000_000_000_000n;

/** How many decimals a currency has (EUR 2, JPY 0, KWD 3), as Intl knows it. */
export function currencyExponent(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** The exact decimal string of an amount of minor units, e.g. 1250n, 2 → "12.50". */
export function minorToDecimal(minor: bigint, exponent: number): string {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString();
  if (exponent === 0) return `${sign}${digits}`;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** An amount in its currency for a person, e.g. 1250n EUR → "€12.50". */
export function formatMoney(minor: bigint, currency: string, locale?: string): string {
  const exponent = currencyExponent(currency);
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  // Intl formats a decimal string exactly, so no amount ever passes through a float.
  return format.format(minorToDecimal(minor, exponent) as `${number}`);
}

export type ParsedAmount = { ok: true; minor: bigint } | { ok: false; error: string };

/** What a person typed, e.g. "12.50" or "12,5", as minor units of a currency; a sentence when it is not an amount. */
export function parseAmount(input: string, currency: string): ParsedAmount {
  const exponent = currencyExponent(currency);
  const text = input.trim().replace(/[\s\u00a0']/g, '');
  if (text === '') return { ok: false, error: 'Enter an amount.' };
  const match = /^(\d*)(?:[.,](\d*))?$/.exec(text);
  if (!match || `${match[1]}${match[2] ?? ''}` === '') {
    return { ok: false, error: `Enter digits only, e.g. ${example(exponent)}.` };
  }
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    return {
      ok: false,
      error:
        exponent === 0
          ? `${currency} has no decimals: enter a whole amount.`
          : `${currency} has at most ${exponent} decimals.`,
    };
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  if (minor === 0n) return { ok: false, error: 'Enter an amount above zero.' };
  if (minor > MAX_MINOR_UNITS) {
    return { ok: false, error: `The largest amount is ${formatMoney(MAX_MINOR_UNITS, currency)}.` };
  }
  return { ok: true, minor };
}

function example(exponent: number): string {
  return exponent === 0 ? '1250' : `12.${'5'.padEnd(exponent, '0')}`;
}
