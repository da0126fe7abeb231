import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balanceChanges, capturePostings, creditPostings, isBalanced } from './postings.js';

const source = '10000000-0000-4000-8000-000000000000';
const destination = '20000000-0000-4000-8000-000000000000';
const eurPool = '30000000-0000-4000-8000-000000000000';
const usdPool = '05000000-0000-4000-8000-000000000000';

describe('capturePostings', () => {
  it('same currency: debits the source and credits the destination the same amount', () => {
    const lines = capturePostings({
      sourceAccountId: source,
      amount: 250n,
      currency: 'EUR',
      destinationAccountId: destination,
      destinationAmount: 250n,
      destinationCurrency: 'EUR',
    });
    assert.deepEqual(lines, [
      { accountId: source, amount: -250n, currency: 'EUR' },
      { accountId: destination, amount: 250n, currency: 'EUR' },
    ]);
    assert.ok(isBalanced(lines));
  });

  it('different currencies: go through both FX pools and balance in each currency', () => {
    const lines = capturePostings({
      sourceAccountId: source,
      amount: 1_000n,
      currency: 'EUR',
      destinationAccountId: destination,
      destinationAmount: 1_085n,
      destinationCurrency: 'USD',
      pools: { source: eurPool, destination: usdPool },
    });
    assert.deepEqual(lines, [
      { accountId: source, amount: -1_000n, currency: 'EUR' },
      { accountId: eurPool, amount: 1_000n, currency: 'EUR' },
      { accountId: usdPool, amount: -1_085n, currency: 'USD' },
      { accountId: destination, amount: 1_085n, currency: 'USD' },
    ]);
    assert.ok(isBalanced(lines));
  });

  it('refuses a same-currency capture whose amounts differ', () => {
    assert.throws(() =>
      capturePostings({
        sourceAccountId: source,
        amount: 100n,
        currency: 'EUR',
        destinationAccountId: destination,
        destinationAmount: 99n,
        destinationCurrency: 'EUR',
      }),
    );
  });

  it('refuses a cross-currency capture without pools, and a capture to the source itself', () => {
    const legs = {
      sourceAccountId: source,
      amount: 100n,
      currency: 'EUR',
      destinationAccountId: destination,
      destinationAmount: 120n,
      destinationCurrency: 'USD',
    };
    assert.throws(() => capturePostings(legs));
    assert.throws(() =>
      capturePostings({
        ...legs,
        destinationAccountId: source,
        pools: { source: eurPool, destination: usdPool },
      }),
    );
  });

  it('refuses amounts that are not positive', () => {
    assert.throws(() =>
      capturePostings({
        sourceAccountId: source,
        amount: 0n,
        currency: 'EUR',
        destinationAccountId: destination,
        destinationAmount: 0n,
        destinationCurrency: 'EUR',
      }),
    );
    assert.throws(() =>
      creditPostings({ fundingAccountId: eurPool, accountId: source, amount: -5n, currency: 'EUR' }),
    );
  });
});

describe('creditPostings', () => {
  it('debits the funding account and credits the customer', () => {
    const lines = creditPostings({
      fundingAccountId: eurPool,
      accountId: source,
      amount: 5_000n,
      currency: 'EUR',
    });
    assert.deepEqual(lines, [
      { accountId: eurPool, amount: -5_000n, currency: 'EUR' },
      { accountId: source, amount: 5_000n, currency: 'EUR' },
    ]);
    assert.ok(isBalanced(lines));
  });
});

describe('isBalanced', () => {
  it('is false when one currency does not sum to zero, even if the amounts cancel across currencies', () => {
    assert.equal(
      isBalanced([
        { accountId: source, amount: -100n, currency: 'EUR' },
        { accountId: destination, amount: 100n, currency: 'USD' },
      ]),
      false,
    );
  });
});

describe('balanceChanges', () => {
  it('moves the spent hold out of the held balance and orders accounts by id', () => {
    const lines = capturePostings({
      sourceAccountId: source,
      amount: 1_000n,
      currency: 'EUR',
      destinationAccountId: destination,
      destinationAmount: 1_085n,
      destinationCurrency: 'USD',
      pools: { source: eurPool, destination: usdPool },
    });
    assert.deepEqual(balanceChanges(lines, [{ accountId: source, amount: 1_000n }]), [
      { accountId: usdPool, posted: -1_085n, held: 0n },
      { accountId: source, posted: -1_000n, held: -1_000n },
      { accountId: destination, posted: 1_085n, held: 0n },
      { accountId: eurPool, posted: 1_000n, held: 0n },
    ]);
  });

  it('sums several released holds of one account into one change', () => {
    assert.deepEqual(
      balanceChanges(
        [],
        [
          { accountId: destination, amount: 30n },
          { accountId: source, amount: 20n },
          { accountId: destination, amount: 12n },
        ],
      ),
      [
        { accountId: source, posted: 0n, held: -20n },
        { accountId: destination, posted: 0n, held: -42n },
      ],
    );
  });
});
