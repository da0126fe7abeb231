/** Exact non-negative decimals as bigint counts of 10^-12, so a rate never passes through a float. */

/** Fractional digits every rate keeps. */
export const DECIMAL_SCALE = 12;

/** 1 at that scale. */
export const DECIMAL_ONE = 10n ** BigInt(DECIMAL_SCALE);

const decimalText = new RegExp(`^([0-9]+)(?:\\.([0-9]{1,${DECIMAL_SCALE}}))?$`);

/** The scaled value of a decimal such as "1.0850"; undefined when it is not one (or needs more digits). */
export function parseDecimal(text: string): bigint | undefined {
  const match = decimalText.exec(text);
  if (!match) return undefined;
  const [, whole = '0', fraction = ''] = match;
  return BigInt(whole) * DECIMAL_ONE + BigInt(fraction.padEnd(DECIMAL_SCALE, '0'));
}

/** The shortest decimal text of a scaled value: 1085000000000n → "1.085", 10^12 → "1". */
export function formatDecimal(value: bigint): string {
  if (value < 0n) throw new RangeError(`decimals are non-negative, got ${value}`);
  const whole = value / DECIMAL_ONE;
  const fraction = (value % DECIMAL_ONE).toString().padStart(DECIMAL_SCALE, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
