import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertMinorUnits, pairRate } from './conversion.js';
import { parseDecimal } from './decimal.js';

const d = (text: string): bigint => {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`bad decimal ${text}`);
  return value;
};

describe('pairRate', () => {
  it('is source over destination, rounded down at 12 digits', () => {
    assert.equal(pairRate(d('1'), d('3')), d('0.333333333333'));
    assert.equal(pairRate(d('2'), d('3')), d('0.666666666666'), 'truncated, not rounded to …667');
    assert.equal(pairRate(d('1.1'), d('0.007')), d('157.142857142857'));
    assert.equal(pairRate(d('1.085'), d('1.085')), d('1'));
  });

  it('refuses a zero rate', () => {
    assert.throws(() => pairRate(d('1'), 0n), RangeError);
  });
});

describe('convertMinorUnits', () => {
  it('shifts by the exponent difference: 100.00 EUR to yen', () => {
    // 10000 cents × 157.142857142857 / 10^2 = 15714.2857… yen
    const yen = convertMinorUnits({
      sourceAmount: 10_000n,
      rate: d('157.142857142857'),
      sourceExponent: 2,
      destinationExponent: 0,
    });
    assert.equal(yen, 15_714n);
  });

  it('shifts up into a three-decimal currency: 100.00 EUR to fils', () => {
    // 10000 cents × 0.338461538461 × 10 = 33846.15… fils
    const fils = convertMinorUnits({
      sourceAmount: 10_000n,
      rate: pairRate(d('1.1'), d('3.25')),
      sourceExponent: 2,
      destinationExponent: 3,
    });
    assert.equal(fils, 33_846n);
  });

  it('rounds down, never up', () => {
    // 15714 yen × 0.006363636363 × 10^2 = 9999.99… cents
    const cents = convertMinorUnits({
      sourceAmount: 15_714n,
      rate: pairRate(d('0.007'), d('1.1')),
      sourceExponent: 0,
      destinationExponent: 2,
    });
    assert.equal(cents, 9_999n);
  });

  it('converts to 0 when the amount is worth less than one destination minor unit', () => {
    const cents = convertMinorUnits({
      sourceAmount: 1n,
      rate: pairRate(d('0.0067'), d('1.085')),
      sourceExponent: 0,
      destinationExponent: 2,
    });
    assert.equal(cents, 0n);
  });

  it('stays exact for amounts beyond 2^53', () => {
    const amount = 2n ** 53n + 1n; // 9007199254740993, not representable as a double
    const converted = convertMinorUnits({
      sourceAmount: amount,
      rate: d('1.000000000001'),
      sourceExponent: 2,
      destinationExponent: 2,
    });
    // 9007199254740993 + 9007.199… rounded down
    assert.equal(converted, 9_007_199_254_750_000n);
  });

  it('converts the largest contract amount without losing a digit', () => {
    const converted = convertMinorUnits({
      sourceAmount: 1_000_000_000_000_000n,
      rate: d('150.123456789012'),
      sourceExponent: 2,
      destinationExponent: 0,
    });
    assert.equal(converted, 1_501_234_567_890_120n);
  });
});
