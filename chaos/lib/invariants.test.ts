import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import type { ClientView } from './driver.js';
import { FAULT_KINDS } from './faults.js';
import { type CheckInputs, checkInvariants } from './invariants.js';
import type { BankAccount } from './seed-bank.js';
import type { Snapshot, StoredAccount, StoredTransfer } from './snapshot.js';
import type { Intent } from './workload.js';

const a: BankAccount = { accountId: 'a', ownerId: 'o1', currency: 'USD', start: 1_000n };
const b: BankAccount = { accountId: 'b', ownerId: 'o2', currency: 'USD', start: 500n };
const c: BankAccount = { accountId: 'c', ownerId: 'o1', currency: 'EUR', start: 800n };

function account(accountId: string, kind: string, currency: string, posted: bigint): StoredAccount {
  return { accountId, kind, currency, posted, held: 0n, journal: posted };
}

function transfer(
  id: string,
  from: BankAccount,
  to: BankAccount,
  amount: bigint,
  state: string,
  extra: Partial<StoredTransfer> = {},
): StoredTransfer {
  return {
    transferId: id,
    idempotencyKey: `k-${id}`,
    sourceAccountId: from.accountId,
    destinationAccountId: to.accountId,
    amount,
    currency: from.currency,
    state,
    destinationAmount: state === 'completed' ? amount : null,
    failureReason: null,
    ...extra,
  };
}

function view(
  t: StoredTransfer,
  from: BankAccount,
  to: BankAccount,
  intent: Intent,
  state: TransferState,
  index: number,
): ClientView {
  return {
    planned: {
      index,
      idempotencyKey: t.idempotencyKey,
      source: from,
      destination: to,
      amount: t.amount,
      intent,
      doubled: false,
    },
    transferId: t.transferId,
    answeredState: state,
    calls: 1,
  };
}

/** A small bank after three transfers (one same-currency, one cross-currency, one rejected), all consistent. */
function healthy(): CheckInputs {
  const t1 = transfer('t1', a, b, 100n, 'completed');
  const t2 = transfer('t2', a, b, 5_000_000_000n, 'rejected', { failureReason: 'RISK_DENIED' });
  const t3 = transfer('t3', a, c, 200n, 'completed', { destinationAmount: 180n });
  const snapshot: Snapshot = {
    transfers: [t1, t2, t3],
    accounts: [
      account('a', 'customer', 'USD', 700n),
      account('b', 'customer', 'USD', 600n),
      account('c', 'customer', 'EUR', 980n),
      account('fund-usd', 'funding', 'USD', -1_500n),
      account('fund-eur', 'funding', 'EUR', -800n),
      account('fx-usd', 'fx_pool', 'USD', 200n),
      account('fx-eur', 'fx_pool', 'EUR', -180n),
    ],
    unbalancedEntries: [],
    capturesByTransfer: new Map([
      ['t1', 1],
      ['t3', 1],
    ]),
    holds: new Map([
      ['t1', 'captured'],
      ['t3', 'captured'],
    ]),
    riskCompleted: [
      { transferId: 't1', sourceAccountId: 'a', amount: 100n },
      { transferId: 't3', sourceAccountId: 'a', amount: 200n },
    ],
    riskInbox: new Map([
      ['risk_transfers', ['e1', 'e3']],
      ['risk_accounts', ['o1', 'o2', 'o3']],
    ]),
    outboxes: new Map([
      [
        'transactions',
        new Map([
          ['paymesh.transactions.v1.TransferCompleted', ['e1', 'e3']],
          ['paymesh.transactions.v1.TransferRejected', ['x2']],
        ]),
      ],
      ['accounts', new Map([['paymesh.accounts.v1.AccountOpened', ['o1', 'o2', 'o3']]])],
    ]),
    streams: new Map([
      ['transactions', new Map(['e1', 'e3', 'x2'].map((id) => [id, 1]))],
      ['accounts', new Map(['o1', 'o2', 'o3'].map((id) => [id, 1]))],
    ]),
    deadLetters: [],
  };
  return {
    accounts: [a, b, c],
    views: [
      view(t1, a, b, 'ordinary', TransferState.COMPLETED, 0),
      view(t2, a, b, 'denied', TransferState.REJECTED, 1),
      view(t3, a, c, 'ordinary', TransferState.COMPLETED, 2),
    ],
    startSums: new Map([
      ['USD', 0n],
      ['EUR', 0n],
    ]),
    snapshot,
    counters: { redeliveries: 3, dedupeHits: 2 },
    injected: FAULT_KINDS.map((kind, i) => ({
      fault: { kind, trigger: i },
      startedAt: 0,
      endedAt: 1,
      detail: '',
    })),
    quiescence: { reached: true, at: 1, busy: [] },
  };
}

const violated = (inputs: CheckInputs) =>
  checkInvariants(inputs)
    .filter((r) => !r.ok)
    .map((r) => r.name);

describe('bank invariants', () => {
  it('all hold for a consistent bank', () => {
    assert.deepEqual(violated(healthy()), []);
  });

  it('catch money made out of nothing', () => {
    const inputs = healthy();
    const [, bAccount] = inputs.snapshot.accounts;
    if (bAccount) Object.assign(bAccount, { posted: 601n, journal: 601n });
    assert.deepEqual(violated(inputs), [
      'per currency every balance sums to zero, as at the start',
      'balances match the client-side model (start + completed transfers)',
    ]);
  });

  it('catch a rejected transfer that still posted', () => {
    const inputs = healthy();
    inputs.snapshot.capturesByTransfer.set('t2', 1);
    assert.deepEqual(violated(inputs), [
      'FAILED and REJECTED left no posting and no live hold; COMPLETED posted once',
    ]);
  });

  it('catch two transfers under one idempotency key', () => {
    const inputs = healthy();
    const [first] = inputs.snapshot.transfers;
    if (first)
      inputs.snapshot.transfers.push({
        ...first,
        transferId: 't1-again',
        state: 'failed',
        destinationAmount: null,
      });
    assert.ok(violated(inputs).includes('every idempotency key made at most one transfer'));
  });

  it('catch an event stored twice and an event risk never applied', () => {
    const inputs = healthy();
    inputs.snapshot.streams.get('transactions')?.set('e1', 2);
    inputs.snapshot.riskInbox.set('risk_transfers', ['e1']);
    inputs.snapshot.riskCompleted.pop();
    assert.deepEqual(violated(inputs), [
      'every committed event is in its stream exactly once',
      "risk's projection agrees with the completed transfers; one inbox row per event",
    ]);
  });

  it('catch a transfer over the risk limit that went through', () => {
    const inputs = healthy();
    const [, t2] = inputs.snapshot.transfers;
    if (t2) Object.assign(t2, { state: 'completed', failureReason: null });
    assert.ok(
      violated(inputs).includes('risk rejects exactly what exceeds its limit; the ledger refuses overdrafts'),
    );
  });

  it('fail a run whose faults left no trace', () => {
    const inputs = healthy();
    inputs.counters.dedupeHits = 0;
    inputs.injected = inputs.injected.filter((f) => f.fault.kind !== 'nats-restart');
    assert.deepEqual(violated(inputs), ['NATS was restarted', 'the broker dropped republished events']);
  });
});
