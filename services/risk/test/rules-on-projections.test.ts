/**
 * AssessTransfer's rules against risk's own projections, fed by real AccountOpened and
 * TransferCompleted events on NATS: amount limits per currency, velocity by count and by amount
 * (redeliveries counted once, old transfers outside the window), and the new-account limit.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Outcome } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import {
  DAY_MS,
  openAccount,
  projectedTransfers,
  publishTransferCompleted,
  type RiskHarness,
  startRisk,
  waitForAcked,
  waitForProjectedTransfers,
} from './risk-harness.js';

let h: RiskHarness;

before(async () => {
  h = await startRisk({
    RISK_AMOUNT_LIMITS: '{"*": "100000000", "JPY": 5000000}',
    RISK_VELOCITY_MAX_COUNT: '3',
  });
});

after(async () => {
  await h?.stop();
});

const longAgo = () => new Date(Date.now() - 30 * DAY_MS);

async function assess(sourceAccountId: string, amount: bigint, currency = 'EUR') {
  const { decision } = await h.client.assessTransfer({
    transferId: randomUUID(),
    sourceAccountId,
    destinationAccountId: randomUUID(),
    amount,
    currency,
  });
  assert.ok(decision);
  return decision;
}

const rulesOf = (decision: { reasons: { rule: string }[] }) => decision.reasons.map((r) => r.rule);

describe('amount limits', () => {
  it('approves a small transfer with no reasons and a decision time', async () => {
    const before = Date.now();
    const decision = await assess(randomUUID(), 1_000n);
    assert.equal(decision.outcome, Outcome.APPROVE);
    assert.deepEqual(decision.reasons, []);
    assert.ok(decision.decidedAt);
    assert.ok(timestampDate(decision.decidedAt).getTime() >= before - 1_000);
  });

  it('denies an amount over the default limit, naming amount_limit and both figures', async () => {
    const account = await openAccount(h, longAgo());
    const decision = await assess(account, 100_000_001n);
    assert.equal(decision.outcome, Outcome.DENY);
    assert.deepEqual(rulesOf(decision), ['amount_limit']);
    assert.match(decision.reasons[0]?.detail ?? '', /100000001.*EUR limit of 100000000/);
  });

  it('applies the currency’s own limit from RISK_AMOUNT_LIMITS, and the default to others', async () => {
    const account = await openAccount(h, longAgo());
    const jpy = await assess(account, 5_000_001n, 'JPY');
    assert.equal(jpy.outcome, Outcome.DENY);
    assert.deepEqual(rulesOf(jpy), ['amount_limit']);
    assert.match(jpy.reasons[0]?.detail ?? '', /JPY limit of 5000000/);
    const eur = await assess(account, 5_000_001n, 'EUR');
    assert.equal(eur.outcome, Outcome.APPROVE);
  });
});

describe('velocity', () => {
  it('denies the transfer that would take the source account over RISK_VELOCITY_MAX_COUNT', async () => {
    const account = await openAccount(h, longAgo());
    for (let i = 0; i < 3; i++) await publishTransferCompleted(h, { sourceAccountId: account, amount: 100n });
    // Completed before the window: it does not count.
    await publishTransferCompleted(h, {
      sourceAccountId: account,
      amount: 100n,
      completedAt: new Date(Date.now() - 2 * 3_600_000),
    });
    await waitForProjectedTransfers(h, account, 4);

    const decision = await assess(account, 100n);
    assert.equal(decision.outcome, Outcome.DENY);
    assert.deepEqual(rulesOf(decision), ['velocity_count']);
    assert.match(
      decision.reasons[0]?.detail ?? '',
      /completed 3 transfers in the last 1 h.*4, over the limit of 3/,
    );
  });

  it('allows a transfer that brings the window exactly to the maximum count', async () => {
    const account = await openAccount(h, longAgo());
    for (let i = 0; i < 2; i++) await publishTransferCompleted(h, { sourceAccountId: account, amount: 100n });
    await waitForProjectedTransfers(h, account, 2);
    assert.equal((await assess(account, 100n)).outcome, Outcome.APPROVE);
  });

  it('counts a redelivered TransferCompleted (same event id) once', async () => {
    const account = await openAccount(h, longAgo());
    const eventId = randomUUID();
    const transferId = randomUUID();
    const completed = { sourceAccountId: account, amount: 100n, transferId };
    // Distinct broker message ids, so the broker delivers both and only the inbox can tell them apart.
    await publishTransferCompleted(h, completed, { eventId, msgId: randomUUID() });
    const again = await publishTransferCompleted(h, completed, { eventId, msgId: randomUUID() });
    assert.equal(again.duplicate, false, 'the broker took the second copy');
    const other = await publishTransferCompleted(h, { sourceAccountId: account, amount: 100n });
    await waitForAcked(h, 'transactions', 'risk_transfers', other.seq);

    assert.equal(await projectedTransfers(h, account), 2);
    // 2 completed + this one is the maximum of 3; had the copy counted, it would be 4: DENY.
    assert.equal((await assess(account, 100n)).outcome, Outcome.APPROVE);
  });

  it('sends to review a transfer whose amount with the window’s sum exceeds RISK_VELOCITY_MAX_AMOUNT', async () => {
    const account = await openAccount(h, longAgo());
    await publishTransferCompleted(h, { sourceAccountId: account, amount: 240_000_000n });
    await publishTransferCompleted(h, { sourceAccountId: account, amount: 240_000_000n });
    await waitForProjectedTransfers(h, account, 2);

    const within = await assess(account, 20_000_000n);
    assert.equal(within.outcome, Outcome.APPROVE, '480,000,000 + 20,000,000 is exactly the maximum');
    const over = await assess(account, 20_000_001n);
    assert.equal(over.outcome, Outcome.REVIEW);
    assert.deepEqual(rulesOf(over), ['velocity_amount']);
    assert.match(
      over.reasons[0]?.detail ?? '',
      /moved 480000000 EUR.*500000001, over the limit of 500000000/,
    );
  });
});

describe('new accounts', () => {
  it('sends a big transfer from an account opened just now to review (new_account_limit)', async () => {
    const account = await openAccount(h, new Date());
    const decision = await assess(account, 10_000_001n);
    assert.equal(decision.outcome, Outcome.REVIEW);
    assert.deepEqual(rulesOf(decision), ['new_account_limit']);
    assert.match(
      decision.reasons[0]?.detail ?? '',
      /opened .* ago, less than 1 d.*10000001 exceeds.*10000000/,
    );
    assert.equal((await assess(account, 10_000_000n)).outcome, Outcome.APPROVE, 'up to the limit is fine');
  });

  it('does not treat an account opened long ago (opened_at in the event) as new', async () => {
    const account = await openAccount(h, longAgo());
    const decision = await assess(account, 10_000_001n);
    assert.equal(decision.outcome, Outcome.APPROVE);
    assert.deepEqual(decision.reasons, []);
  });

  it('treats an account risk has seen no AccountOpened for as new', async () => {
    const decision = await assess(randomUUID(), 10_000_001n);
    assert.equal(decision.outcome, Outcome.REVIEW);
    assert.deepEqual(rulesOf(decision), ['new_account_limit']);
    assert.match(decision.reasons[0]?.detail ?? '', /no record of the source account being opened/);
  });

  it('lists every objection, and DENY wins over REVIEW', async () => {
    const account = await openAccount(h, new Date());
    const decision = await assess(account, 100_000_001n);
    assert.equal(decision.outcome, Outcome.DENY);
    assert.deepEqual(rulesOf(decision), ['amount_limit', 'new_account_limit']);
  });
});
