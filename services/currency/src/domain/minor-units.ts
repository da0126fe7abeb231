/** How many decimal places a currency's minor unit has (JPY 0, EUR 2, KWD 3), from ICU's currency data. */

const exponents = new Map<string, number>();

export function minorUnitExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    if (digits === undefined) throw new RangeError(`no minor unit known for ${currency}`);
    exponent = digits;
    exponents.set(currency, exponent);
  }
  return exponent;
}
