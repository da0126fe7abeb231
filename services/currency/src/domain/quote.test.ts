import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainError } from '@paymesh/platform/errors/domain-error';
import { hasTerms, type Quote, refusalOfUse } from './quote.js';

const quote: Quote = {
  quoteId: '7d4f8a52-2f0e-4b7e-9a55-0d3c1b9c6f10',
  quoteRequestId: 'c2b0f7a4-3a4e-4b8f-8f5e-6a1d2c3b4e5f',
  sourceCurrency: 'EUR',
  destinationCurrency: 'JPY',
  sourceAmount: 10_000n,
  rate: 157_142_857_142_857n,
  destinationAmount: 15_714n,
  expiresAt: new Date('2030-01-01T00:00:00.000Z'),
  usedByTransferId: null,
};

describe('hasTerms', () => {
  it('matches the same pair and amount only', () => {
    assert.ok(hasTerms(quote, { sourceCurrency: 'EUR', destinationCurrency: 'JPY', sourceAmount: 10_000n }));
    assert.ok(!hasTerms(quote, { sourceCurrency: 'EUR', destinationCurrency: 'JPY', sourceAmount: 10_001n }));
    assert.ok(!hasTerms(quote, { sourceCurrency: 'EUR', destinationCurrency: 'GBP', sourceAmount: 10_000n }));
    assert.ok(!hasTerms(quote, { sourceCurrency: 'USD', destinationCurrency: 'JPY', sourceAmount: 10_000n }));
  });
});

describe('refusalOfUse', () => {
  const transfer = '0b5c1f7e-8e7d-4c1a-9d2b-3e4f5a6b7c8d';
  const reasonOf = (err: DomainError | undefined) => err?.reason?.reason;

  it('lets the transfer that used the quote have it again', () => {
    assert.equal(refusalOfUse({ ...quote, usedByTransferId: transfer }, transfer), undefined);
  });

  it('is QUOTE_USED for another transfer', () => {
    assert.equal(
      reasonOf(refusalOfUse({ ...quote, usedByTransferId: transfer }, quote.quoteRequestId)),
      'QUOTE_USED',
    );
  });

  it('is QUOTE_EXPIRED, with the expiry, for an unused quote the guarded use left alone', () => {
    const refusal = refusalOfUse(quote, transfer);
    assert.equal(reasonOf(refusal), 'QUOTE_EXPIRED');
    assert.equal(refusal?.reason?.metadata?.expires_at, '2030-01-01T00:00:00.000Z');
  });
});
