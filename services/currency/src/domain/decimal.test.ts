import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DECIMAL_ONE, formatDecimal, parseDecimal } from './decimal.js';

describe('parseDecimal', () => {
  it('reads decimals exactly at 12 fractional digits', () => {
    assert.equal(parseDecimal('1.0850'), 1_085_000_000_000n);
    assert.equal(parseDecimal('0'), 0n);
    assert.equal(parseDecimal('1'), DECIMAL_ONE);
    assert.equal(parseDecimal('0.000000000001'), 1n);
    assert.equal(parseDecimal('999999999.999999999999'), 999_999_999_999_999_999_999n);
  });

  it('reads Postgres numeric(…, 12) text, trailing zeros included', () => {
    assert.equal(parseDecimal('0.006700000000'), 6_700_000_000n);
  });

  it('refuses what is not a non-negative decimal of at most 12 fractional digits', () => {
    for (const text of ['1.2.3', '-1', '1.', '.5', '', '1e3', ' 1', '0x10', '1.0000000000001']) {
      assert.equal(parseDecimal(text), undefined, text);
    }
  });
});

describe('formatDecimal', () => {
  it('writes the shortest exact text', () => {
    assert.equal(formatDecimal(1_085_000_000_000n), '1.085');
    assert.equal(formatDecimal(DECIMAL_ONE), '1');
    assert.equal(formatDecimal(0n), '0');
    assert.equal(formatDecimal(1n), '0.000000000001');
    assert.equal(formatDecimal(157_142_857_142_857n), '157.142857142857');
  });

  it('round-trips values far beyond 2^53', () => {
    const value = 123_456_789_012_345_678_901_234n;
    assert.equal(parseDecimal(formatDecimal(value)), value);
    assert.equal(formatDecimal(value), '123456789012.345678901234');
  });

  it('refuses negative values', () => {
    assert.throws(() => formatDecimal(-1n), RangeError);
  });
});
