import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import type { DomainError } from '@paymesh/platform/errors/domain-error';
import {
  type CaptureDecision,
  captureDecision,
  type HoldState,
  releaseDecision,
  repeatedHoldRefusal,
} from './hold-decisions.js';

const transferId = 'a0000000-0000-4000-8000-000000000000';
const source = '10000000-0000-4000-8000-000000000000';
const destination = '20000000-0000-4000-8000-000000000000';

const held: HoldState = {
  transferId,
  accountId: source,
  amount: 500n,
  currency: 'EUR',
  status: 'held',
  destinationAccountId: null,
  destinationAmount: null,
  destinationCurrency: null,
};
const captured: HoldState = {
  ...held,
  status: 'captured',
  destinationAccountId: destination,
  destinationAmount: 500n,
  destinationCurrency: 'EUR',
};
const tombstone: HoldState = { ...held, accountId: null, amount: 0n, currency: null, status: 'released' };
const toDestination = {
  destinationAccountId: destination,
  destinationAmount: 500n,
  destinationCurrency: 'EUR',
};

function refusalOf(decision: CaptureDecision): DomainError {
  assert.equal(decision.action, 'refuse');
  return (decision as { error: DomainError }).error;
}

describe('repeatedHoldRefusal', () => {
  const terms = { accountId: source, amount: 500n, currency: 'EUR' };

  it('returns the hold as it is for the same terms, held or captured', () => {
    assert.equal(repeatedHoldRefusal(held, terms), undefined);
    assert.equal(repeatedHoldRefusal(captured, terms), undefined);
  });

  it('refuses other terms as HOLD_MISMATCH', () => {
    assert.equal(repeatedHoldRefusal(held, { ...terms, amount: 501n })?.reason?.reason, 'HOLD_MISMATCH');
    assert.equal(repeatedHoldRefusal(held, { ...terms, currency: 'USD' })?.reason?.reason, 'HOLD_MISMATCH');
    assert.equal(
      repeatedHoldRefusal(held, { ...terms, accountId: destination })?.reason?.reason,
      'HOLD_MISMATCH',
    );
  });

  it('refuses a released transfer, a tombstone included, as HOLD_RELEASED', () => {
    assert.equal(
      repeatedHoldRefusal({ ...held, status: 'released' }, terms)?.reason?.reason,
      'HOLD_RELEASED',
    );
    assert.equal(repeatedHoldRefusal(tombstone, terms)?.reason?.reason, 'HOLD_RELEASED');
  });
});

describe('captureDecision', () => {
  it('captures a held hold that has not expired', () => {
    assert.deepEqual(captureDecision(transferId, held, false, toDestination), { action: 'capture' });
  });

  it('answers an identical earlier capture again, and refuses another destination or amount', () => {
    assert.deepEqual(captureDecision(transferId, captured, false, toDestination), { action: 'replay' });
    const other = refusalOf(
      captureDecision(transferId, captured, false, { ...toDestination, destinationAccountId: source }),
    );
    assert.equal(other.reason?.reason, 'HOLD_MISMATCH');
  });

  it('refuses an unknown transfer as NOT_FOUND and a released hold as HOLD_RELEASED', () => {
    const unknown = refusalOf(captureDecision(transferId, undefined, false, toDestination));
    assert.equal(unknown.code, Code.NotFound);
    assert.equal(unknown.reason?.reason, 'HOLD_NOT_FOUND');
    assert.equal(
      refusalOf(captureDecision(transferId, tombstone, false, toDestination)).reason?.reason,
      'HOLD_RELEASED',
    );
  });

  it('expires a held hold past its expiry', () => {
    assert.deepEqual(captureDecision(transferId, held, true, toDestination), { action: 'expire' });
  });

  it('refuses a capture to the held account itself, and a same-currency amount that differs', () => {
    const itself = refusalOf(
      captureDecision(transferId, held, false, { ...toDestination, destinationAccountId: source }),
    );
    assert.equal(itself.code, Code.InvalidArgument);
    assert.equal(itself.violations[0]?.field, 'destination_account_id');
    const amount = refusalOf(
      captureDecision(transferId, held, false, { ...toDestination, destinationAmount: 499n }),
    );
    assert.equal(amount.code, Code.InvalidArgument);
    assert.equal(amount.violations[0]?.field, 'destination_amount');
  });

  it('lets a cross-currency capture credit another amount', () => {
    assert.deepEqual(
      captureDecision(transferId, held, false, {
        ...toDestination,
        destinationAmount: 540n,
        destinationCurrency: 'USD',
      }),
      { action: 'capture' },
    );
  });
});

describe('releaseDecision', () => {
  it('releases held, leaves released, refuses captured as HOLD_CAPTURED', () => {
    assert.deepEqual(releaseDecision(held), { action: 'release' });
    assert.deepEqual(releaseDecision(tombstone), { action: 'unchanged' });
    const decision = releaseDecision(captured);
    assert.equal(decision.action, 'refuse');
    assert.equal(decision.action === 'refuse' && decision.error.reason?.reason, 'HOLD_CAPTURED');
  });
});
