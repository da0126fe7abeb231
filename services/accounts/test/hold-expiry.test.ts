/**
 * Hold expiry with a 1 ms HOLD_TTL_MS: the expire-holds job releases expired holds in batches of
 * 100 ("expired", available restored), and a capture that finds its hold expired releases it itself.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code } from '@connectrpc/connect';
import { HoldStatus } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { HoldReleasedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { and, eq } from 'drizzle-orm';
import { expireHolds as expireHoldsPass } from '../src/app/expire-holds.js';
import * as schema from '../src/db/schema.js';
import {
  balancesOf,
  openAccount,
  outboxEvents,
  type RunningLedger,
  refused,
  startLedger,
} from './ledger-harness.js';

let ledger: RunningLedger;

before(async () => {
  // The job's own timer never fires during the test: passes are run by hand.
  ledger = await startLedger({ HOLD_TTL_MS: '1', HOLD_SWEEP_INTERVAL_MS: '3600000' });
});

after(async () => {
  await ledger?.stop();
});

const expireHolds = () => {
  const job = ledger.service.jobs['expire-holds'];
  assert.ok(job, 'the service declares the expire-holds job');
  return job.runOnce();
};

async function releasedReasons(transferId: string): Promise<string[]> {
  const events = await outboxEvents(ledger.db, HoldReleasedSchema);
  return events.filter((e) => e.event.transferId === transferId).map((e) => e.event.reason);
}

describe('expire-holds', () => {
  it('releases an expired hold as "expired", restores available, and a later capture is refused', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = randomUUID();
    await ledger.client.holdFunds({ transferId, accountId: source.accountId, amount: 400n, currency: 'EUR' });
    assert.equal((await balancesOf(ledger.client, source.accountId)).available, 600n);
    await sleep(10);

    await expireHolds();

    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 1_000n,
      held: 0n,
      available: 1_000n,
    });
    const { hold } = await ledger.client.releaseHold({ transferId, reason: 'late cancel' });
    assert.equal(hold?.status, HoldStatus.RELEASED);
    assert.equal(hold?.releaseReason, 'expired');
    assert.deepEqual(await releasedReasons(transferId), ['expired']);
    await refused(
      ledger.client.captureHold({
        transferId,
        destinationAccountId: destination.accountId,
        destinationAmount: 400n,
        destinationCurrency: 'EUR',
      }),
      Code.FailedPrecondition,
      'HOLD_RELEASED',
    );
    assert.equal((await balancesOf(ledger.client, destination.accountId)).posted, 0n);
  });

  it('a capture finding its hold expired releases it ("expired") and answers HOLD_EXPIRED', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = randomUUID();
    await ledger.client.holdFunds({ transferId, accountId: source.accountId, amount: 250n, currency: 'EUR' });
    await sleep(10);

    await refused(
      ledger.client.captureHold({
        transferId,
        destinationAccountId: destination.accountId,
        destinationAmount: 250n,
        destinationCurrency: 'EUR',
      }),
      Code.FailedPrecondition,
      'HOLD_EXPIRED',
    );
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 1_000n,
      held: 0n,
      available: 1_000n,
    });
    assert.deepEqual(await releasedReasons(transferId), ['expired']);
    await refused(
      ledger.client.captureHold({
        transferId,
        destinationAccountId: destination.accountId,
        destinationAmount: 250n,
        destinationCurrency: 'EUR',
      }),
      Code.FailedPrecondition,
      'HOLD_RELEASED',
    );
  });

  it('works in batches of 100: 150 expired holds take two passes, the first saying there is more', async () => {
    const account = await openAccount(ledger.client, 'USD', 10_000n);
    await expireHolds(); // nothing left over from the tests above
    for (let i = 0; i < 150; i++) {
      await ledger.client.holdFunds({
        transferId: randomUUID(),
        accountId: account.accountId,
        amount: 10n,
        currency: 'USD',
      });
    }
    await sleep(10);
    const heldCount = () =>
      ledger.db.$count(
        schema.holds,
        and(eq(schema.holds.accountId, account.accountId), eq(schema.holds.status, 'held')),
      );
    assert.equal(await heldCount(), 150);

    assert.equal(await expireHoldsPass(ledger.service.deps), true, 'a full batch asks to run again at once');
    assert.equal(await heldCount(), 50);
    assert.equal((await balancesOf(ledger.client, account.accountId)).held, 500n);

    await expireHolds();
    assert.equal(await heldCount(), 0);
    assert.equal(await expireHoldsPass(ledger.service.deps), false, 'nothing left');
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 10_000n,
      held: 0n,
      available: 10_000n,
    });
  });
});
