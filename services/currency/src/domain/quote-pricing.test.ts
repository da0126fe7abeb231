import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { DomainError } from '@paymesh/platform/errors/domain-error';
import { parseDecimal } from './decimal.js';
import { priceQuote } from './quote-pricing.js';

const rates = new Map(
  Object.entries({ USD: '1', EUR: '1.1', JPY: '0.007', KWD: '3.25', IDR: '0.000062' }).map(
    ([currency, text]) => [currency, parseDecimal(text) ?? 0n],
  ),
);

const failure = (code: Code, reason: string, metadata?: Record<string, string>) => (err: unknown) => {
  assert.ok(err instanceof DomainError);
  assert.equal(err.code, code);
  assert.equal(err.reason?.reason, reason);
  if (metadata) assert.deepEqual(err.reason?.metadata, metadata);
  return true;
};

describe('priceQuote', () => {
  it('locks the pair rate and the rounded-down destination amount', () => {
    const price = priceQuote(
      { sourceCurrency: 'EUR', destinationCurrency: 'JPY', sourceAmount: 10_000n },
      rates,
    );
    assert.deepEqual(price, { rate: 157_142_857_142_857n, destinationAmount: 15_714n });
  });

  it('is RATE_UNAVAILABLE naming the currency without a rate', () => {
    assert.throws(
      () => priceQuote({ sourceCurrency: 'EUR', destinationCurrency: 'THB', sourceAmount: 100n }, rates),
      failure(Code.FailedPrecondition, 'RATE_UNAVAILABLE', { currency: 'THB' }),
    );
    assert.throws(
      () => priceQuote({ sourceCurrency: 'THB', destinationCurrency: 'EUR', sourceAmount: 100n }, rates),
      failure(Code.FailedPrecondition, 'RATE_UNAVAILABLE', { currency: 'THB' }),
    );
  });

  it('is AMOUNT_TOO_SMALL when the conversion rounds to nothing', () => {
    assert.throws(
      () => priceQuote({ sourceCurrency: 'JPY', destinationCurrency: 'EUR', sourceAmount: 1n }, rates),
      failure(Code.FailedPrecondition, 'AMOUNT_TOO_SMALL'),
    );
  });

  it('is AMOUNT_TOO_LARGE when the converted amount does not fit an int64', () => {
    // 10^15 fils (10^12 KWD) is about 5.2·10^16 rupiah, which fits; at a near-zero IDR rate it would not.
    const fits = priceQuote(
      { sourceCurrency: 'KWD', destinationCurrency: 'IDR', sourceAmount: 1_000_000_000_000_000n },
      rates,
    );
    assert.equal(fits.destinationAmount, 52_419_354_838_709_677n);
    const tiny = new Map(rates).set('IDR', 1n);
    assert.throws(
      () =>
        priceQuote(
          { sourceCurrency: 'KWD', destinationCurrency: 'IDR', sourceAmount: 1_000_000_000_000_000n },
          tiny,
        ),
      failure(Code.FailedPrecondition, 'AMOUNT_TOO_LARGE'),
    );
  });
});
