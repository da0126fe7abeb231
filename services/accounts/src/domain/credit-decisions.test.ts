import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repeatedCreditRefusal } from './credit-decisions.js';
import { creditPostings } from './postings.js';

const funding = 'f0000000-0000-4000-8000-000000000000';
const account = '10000000-0000-4000-8000-000000000000';
const terms = {
  creditId: 'c0000000-0000-4000-8000-000000000000',
  accountId: account,
  amount: 700n,
  currency: 'EUR',
  reference: 'top-up',
};
const earlier = {
  reference: 'top-up',
  lines: creditPostings({ fundingAccountId: funding, accountId: account, amount: 700n, currency: 'EUR' }),
};

describe('repeatedCreditRefusal', () => {
  it('accepts the same terms', () => {
    assert.equal(repeatedCreditRefusal(earlier, terms), undefined);
  });

  it('refuses another account, amount, currency or reference as CREDIT_MISMATCH', () => {
    for (const other of [
      { accountId: funding },
      { amount: 701n },
      { currency: 'USD' },
      { reference: 'another purpose' },
    ]) {
      assert.equal(repeatedCreditRefusal(earlier, { ...terms, ...other })?.reason?.reason, 'CREDIT_MISMATCH');
    }
  });
});
