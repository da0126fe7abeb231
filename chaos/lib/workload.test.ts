import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RISK_AMOUNT_LIMIT } from './bank-system.js';
import { FAULT_KINDS, planFaults } from './faults.js';
import { seededRng } from './rng.js';
import type { BankAccount } from './seed-bank.js';
import { planTransfers } from './workload.js';

const accounts: BankAccount[] = ['USD', 'EUR', 'GBP'].flatMap((currency) =>
  ['o1', 'o2', 'o3'].map((ownerId) => ({
    accountId: `${ownerId}-${currency}`,
    ownerId,
    currency,
    start: 5_000_00n,
  })),
);

const schedule = (seed: number) => {
  const rng = seededRng(seed);
  return { transfers: planTransfers(rng, accounts, 2_000, seed), faults: planFaults(rng, 12, 2_000) };
};

describe('the seeded schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    assert.deepEqual(schedule(42), schedule(42));
    assert.notDeepEqual(schedule(42).faults, schedule(43).faults);
  });

  it('mixes same- and cross-currency transfers, overdrafts the ledger must refuse and amounts risk must deny', () => {
    const { transfers } = schedule(7);
    const total = accounts.reduce((sum, a) => sum + a.start, 0n);
    const cross = transfers.filter((t) => t.source.currency !== t.destination.currency);
    assert.ok(cross.length > 0 && cross.length < transfers.length);
    assert.ok(transfers.every((t) => t.source !== t.destination));
    const overdrafts = transfers.filter((t) => t.intent === 'overdraft');
    assert.ok(
      overdrafts.length > 0 && overdrafts.every((t) => t.amount > total && t.amount <= RISK_AMOUNT_LIMIT),
    );
    const denied = transfers.filter((t) => t.intent === 'denied');
    assert.ok(denied.length > 0 && denied.every((t) => t.amount > RISK_AMOUNT_LIMIT));
    assert.equal(new Set(transfers.map((t) => t.idempotencyKey)).size, transfers.length);
  });

  it('strikes every kind of fault in a few faults, in transfer order', () => {
    const { faults } = schedule(9);
    for (const kind of FAULT_KINDS) assert.ok(faults.filter((f) => f.kind === kind).length >= 2, kind);
    assert.deepEqual(
      faults.map((f) => f.trigger),
      faults.map((f) => f.trigger).sort((x, y) => x - y),
    );
    assert.ok(faults.every((f) => (f.kind === 'nats-restart') === (f.service === undefined)));
  });
});
