/** Exact FX arithmetic on bigints: the pair rate from two reference rates, and minor units converted at it. */
import { DECIMAL_ONE } from './decimal.js';

/**
 * Units of the destination currency one unit of the source buys, at the decimal scale, rounded down:
 * rate(source) / rate(destination), both rates being prices in the reference currency.
 */
export function pairRate(sourceRate: bigint, destinationRate: bigint): bigint {
  if (sourceRate <= 0n || destinationRate <= 0n) throw new RangeError('rates must be positive');
  return (sourceRate * DECIMAL_ONE) / destinationRate;
}

export interface MinorUnitConversion {
  /** Minor units of the source currency. */
  sourceAmount: bigint;
  /** The pair rate at the decimal scale. */
  rate: bigint;
  sourceExponent: number;
  destinationExponent: number;
}

/** floor(sourceAmount × rate × 10^(destinationExponent − sourceExponent)), in minor units of the destination. */
export function convertMinorUnits({
  sourceAmount,
  rate,
  sourceExponent,
  destinationExponent,
}: MinorUnitConversion): bigint {
  if (sourceAmount < 0n || rate < 0n) throw new RangeError('amounts and rates are non-negative');
  const shift = destinationExponent - sourceExponent;
  // Every factor stays an integer: scale up the numerator or the denominator, never divide early.
  const numerator = sourceAmount * rate * 10n ** BigInt(Math.max(shift, 0));
  const denominator = DECIMAL_ONE * 10n ** BigInt(Math.max(-shift, 0));
  return numerator / denominator;
}
