import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currencyExponent, formatMoney, MAX_MINOR_UNITS, minorToDecimal, parseAmount } from './amount';

describe('currencyExponent', () => {
  it('knows two decimals for EUR, none for JPY and three for KWD', () => {
    assert.equal(currencyExponent('EUR'), 2);
    assert.equal(currencyExponent('JPY'), 0);
    assert.equal(currencyExponent('KWD'), 3);
  });
});

describe('parseAmount', () => {
  const minorOf = (input: string, currency: string) => {
    const parsed = parseAmount(input, currency);
    assert.ok(parsed.ok, `"${input}" should parse, got ${parsed.ok ? '' : parsed.error}`);
    return parsed.minor;
  };

  it('turns "12.50" EUR into 1250 minor units and "12" into 1200', () => {
    assert.equal(minorOf('12.50', 'EUR'), 1250n);
    assert.equal(minorOf('12.5', 'EUR'), 1250n);
    assert.equal(minorOf('12', 'EUR'), 1200n);
    assert.equal(minorOf('0.01', 'EUR'), 1n);
  });

  it('accepts a comma as the decimal separator, spaces between thousands and a leading dot', () => {
    assert.equal(minorOf('12,50', 'EUR'), 1250n);
    assert.equal(minorOf(' 1 234.56 ', 'USD'), 123456n);
    assert.equal(minorOf('.5', 'GBP'), 50n);
  });

  it('is exact where a float is not: 0.29 and 1.005-style inputs keep every digit', () => {
    // 0.29 * 100 is 28.999999999999996 as a float.
    assert.equal(minorOf('0.29', 'EUR'), 29n);
    assert.equal(minorOf('1.005', 'KWD'), 1005n);
    assert.equal(minorOf('9999999999999.99', 'EUR'), 999999999999999n);
  });

  it('uses the currency exponent: JPY has no decimals, KWD has three', () => {
    assert.equal(minorOf('1250', 'JPY'), 1250n);
    assert.equal(minorOf('1.250', 'KWD'), 1250n);
    assert.deepEqual(parseAmount('12.5', 'JPY'), {
      ok: false,
      error: 'JPY has no decimals: enter a whole amount.',
    });
    assert.deepEqual(parseAmount('1.001', 'EUR'), { ok: false, error: 'EUR has at most 2 decimals.' });
  });

  it('refuses empty, zero, negative and non-numeric input with a sentence', () => {
    assert.deepEqual(parseAmount('  ', 'EUR'), { ok: false, error: 'Enter an amount.' });
    assert.deepEqual(parseAmount('0.00', 'EUR'), { ok: false, error: 'Enter an amount above zero.' });
    for (const input of ['-5', '1e3', '12.5.0', 'abc', '.', '1,234.56']) {
      const parsed = parseAmount(input, 'EUR');
      assert.equal(parsed.ok, false, `"${input}" must not parse`);
    }
  });

  it('refuses more than the contract allows (10^15 minor units)', () => {
    assert.equal(minorOf('10000000000000.00', 'EUR'), MAX_MINOR_UNITS);
    assert.equal(parseAmount('10000000000000.01', 'EUR').ok, false);
  });
});

describe('formatMoney', () => {
  it('formats minor units in the currency with its own decimals', () => {
    assert.equal(formatMoney(1250n, 'EUR', 'en-US'), '€12.50');
    assert.equal(formatMoney(1250n, 'JPY', 'en-US'), '¥1,250');
    assert.equal(formatMoney(1250n, 'KWD', 'en-US'), 'KWD\u00a01.250');
    assert.equal(formatMoney(-5n, 'USD', 'en-US'), '-$0.05');
    assert.equal(formatMoney(0n, 'GBP', 'en-GB'), '£0.00');
  });

  it('keeps every digit of amounts beyond a float’s precision', () => {
    assert.equal(formatMoney(900719925474099317n, 'USD', 'en-US'), '$9,007,199,254,740,993.17');
  });

  it('follows the locale', () => {
    assert.equal(formatMoney(123456n, 'EUR', 'de-DE'), '1.234,56\u00a0€');
  });
});

describe('minorToDecimal', () => {
  it('pads small amounts and leaves whole currencies alone', () => {
    assert.equal(minorToDecimal(5n, 2), '0.05');
    assert.equal(minorToDecimal(-1234n, 3), '-1.234');
    assert.equal(minorToDecimal(42n, 0), '42');
  });
});
