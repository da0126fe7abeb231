import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { type AccountState, refusalToMove } from './account-state.js';

const accountId = '10000000-0000-4000-8000-000000000000';
const active: AccountState = { accountId, kind: 'customer', status: 'active', currency: 'EUR' };

describe('refusalToMove', () => {
  it('lets money move on an active customer account of the currency', () => {
    assert.equal(refusalToMove(active, accountId, 'EUR'), undefined);
  });

  it('names why not: missing, system, frozen, other currency', () => {
    const missing = refusalToMove(undefined, accountId, 'EUR');
    assert.equal(missing?.code, Code.NotFound);
    assert.equal(missing?.reason?.reason, 'ACCOUNT_NOT_FOUND');
    assert.equal(
      refusalToMove({ ...active, kind: 'funding' }, accountId, 'EUR')?.reason?.reason,
      'SYSTEM_ACCOUNT',
    );
    const frozen = refusalToMove({ ...active, status: 'frozen' }, accountId, 'EUR');
    assert.equal(frozen?.reason?.reason, 'ACCOUNT_FROZEN');
    assert.deepEqual(frozen?.reason?.metadata, { account_id: accountId });
    const currency = refusalToMove(active, accountId, 'USD');
    assert.equal(currency?.code, Code.FailedPrecondition);
    assert.equal(currency?.reason?.reason, 'CURRENCY_MISMATCH');
  });
});
