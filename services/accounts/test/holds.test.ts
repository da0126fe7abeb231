/**
 * Holds (the TCC try and cancel): reserving funds, the database refusing an overdraft even under
 * 50 concurrent holds, idempotent repeats, frozen accounts, releases and the empty-cancel tombstone.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { errorInfoOf, reasonOf } from '@paymesh/platform/errors/domain-error';
import { HoldStatus } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { FundsHeldSchema, HoldReleasedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { eq } from 'drizzle-orm';
import * as schema from '../src/db/schema.js';
import {
  balancesOf,
  openAccount,
  outboxEvents,
  type RunningLedger,
  refused,
  rowCounts,
  startLedger,
} from './ledger-harness.js';

let ledger: RunningLedger;

before(async () => {
  ledger = await startLedger();
});

after(async () => {
  await ledger?.stop();
});

describe('HoldFunds', () => {
  it('reserves the amount: held grows, available shrinks, posted stays; FundsHeld keyed by the account', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const transferId = randomUUID();
    const { hold } = await ledger.client.holdFunds({
      transferId,
      accountId: account.accountId,
      amount: 300n,
      currency: 'EUR',
    });
    assert.equal(hold?.status, HoldStatus.HELD);
    assert.equal(hold?.amount, 300n);
    assert.ok(hold?.expiresAt, 'a hold expires');
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 300n,
      available: 700n,
    });

    const held = (await outboxEvents(ledger.db, FundsHeldSchema)).filter(
      (e) => e.event.transferId === transferId,
    );
    assert.equal(held.length, 1);
    assert.equal(held[0]?.aggregateId, account.accountId);
    assert.equal(held[0]?.event.amount, 300n);
  });

  it('repeated with the same terms returns the same hold and reserves once; other terms are HOLD_MISMATCH', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const request = { transferId: randomUUID(), accountId: account.accountId, amount: 250n, currency: 'EUR' };
    const first = await ledger.client.holdFunds(request);
    const second = await ledger.client.holdFunds(request);
    assert.deepEqual(second.hold, first.hold);
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 250n,
      available: 750n,
    });
    await refused(
      ledger.client.holdFunds({ ...request, amount: 251n }),
      Code.FailedPrecondition,
      'HOLD_MISMATCH',
    );
    const held = (await outboxEvents(ledger.db, FundsHeldSchema)).filter(
      (e) => e.event.transferId === request.transferId,
    );
    assert.equal(held.length, 1);
  });

  it('refuses more than available as INSUFFICIENT_FUNDS with the facts, changing nothing', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    await ledger.client.holdFunds({
      transferId: randomUUID(),
      accountId: account.accountId,
      amount: 400n,
      currency: 'EUR',
    });
    const before = await rowCounts(ledger.db);
    const err = await refused(
      ledger.client.holdFunds({
        transferId: randomUUID(),
        accountId: account.accountId,
        amount: 601n,
        currency: 'EUR',
      }),
      Code.FailedPrecondition,
      'INSUFFICIENT_FUNDS',
    );
    assert.deepEqual(errorInfoOf(err)?.metadata, {
      account_id: account.accountId,
      available: '600',
      requested: '601',
    });
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 400n,
      available: 600n,
    });
    assert.deepEqual(await rowCounts(ledger.db), before);
  });

  it('50 concurrent holds of 30 on 1000: exactly 33 succeed, the rest are INSUFFICIENT_FUNDS, available never negative', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const observed: bigint[] = [];
    let racing = true;
    const watcher = (async () => {
      while (racing) observed.push((await balancesOf(ledger.client, account.accountId)).available);
    })();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        ledger.client.holdFunds({
          transferId: randomUUID(),
          accountId: account.accountId,
          amount: 30n,
          currency: 'EUR',
        }),
      ),
    );
    racing = false;
    await watcher;

    const held = outcomes.filter((o) => o.status === 'fulfilled');
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    assert.equal(held.length, 33);
    assert.equal(refusals.length, 17);
    for (const err of refusals) {
      assert.ok(err instanceof ConnectError && err.code === Code.FailedPrecondition, String(err));
      assert.equal(reasonOf(err), 'INSUFFICIENT_FUNDS');
    }
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 990n,
      available: 10n,
    });
    assert.ok(observed.length > 0);
    assert.ok(
      observed.every((available) => available >= 0n),
      `available seen: ${observed.join(', ')}`,
    );
    const holds = await ledger.db
      .select()
      .from(schema.holds)
      .where(eq(schema.holds.accountId, account.accountId));
    assert.equal(holds.length, 33, 'a refused hold leaves no row');
  });

  it('refuses a frozen account as ACCOUNT_FROZEN naming it', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    await ledger.client.freezeAccount({ accountId: account.accountId, reason: 'review' });
    const err = await refused(
      ledger.client.holdFunds({
        transferId: randomUUID(),
        accountId: account.accountId,
        amount: 10n,
        currency: 'EUR',
      }),
      Code.FailedPrecondition,
      'ACCOUNT_FROZEN',
    );
    assert.equal(errorInfoOf(err)?.metadata.account_id, account.accountId);
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 0n,
      available: 1_000n,
    });
  });

  it('refuses another currency, an unknown account and a system account, holding nothing', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const before = await rowCounts(ledger.db);
    const hold = { transferId: randomUUID(), accountId: account.accountId, amount: 10n, currency: 'USD' };
    const currency = await refused(
      ledger.client.holdFunds(hold),
      Code.FailedPrecondition,
      'CURRENCY_MISMATCH',
    );
    assert.equal(errorInfoOf(currency)?.metadata.account_currency, 'EUR');
    await refused(
      ledger.client.holdFunds({ ...hold, accountId: randomUUID(), currency: 'EUR' }),
      Code.NotFound,
      'ACCOUNT_NOT_FOUND',
    );
    const [funding] = await ledger.db
      .select()
      .from(schema.accounts)
      .where(eq(schema.accounts.kind, 'funding'));
    assert.ok(funding);
    await refused(
      ledger.client.holdFunds({ ...hold, accountId: funding.accountId, currency: funding.currency }),
      Code.FailedPrecondition,
      'SYSTEM_ACCOUNT',
    );
    assert.deepEqual(await rowCounts(ledger.db), before);
  });
});

describe('ReleaseHold', () => {
  it('gives the held amount back once: HoldReleased with the reason, a second release returns it unchanged', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const transferId = randomUUID();
    await ledger.client.holdFunds({
      transferId,
      accountId: account.accountId,
      amount: 400n,
      currency: 'EUR',
    });
    const first = await ledger.client.releaseHold({ transferId, reason: 'risk denied' });
    const second = await ledger.client.releaseHold({ transferId, reason: 'retry' });
    assert.equal(first.hold?.status, HoldStatus.RELEASED);
    assert.equal(first.hold?.releaseReason, 'risk denied');
    assert.deepEqual(second.hold, first.hold);
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 0n,
      available: 1_000n,
    });
    const released = (await outboxEvents(ledger.db, HoldReleasedSchema)).filter(
      (e) => e.event.transferId === transferId,
    );
    assert.equal(released.length, 1);
    assert.equal(released[0]?.aggregateId, account.accountId);
    assert.equal(released[0]?.event.amount, 400n);
    assert.equal(released[0]?.event.reason, 'risk denied');
  });

  it('a hold arriving for a released transfer is refused as HOLD_RELEASED', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const request = { transferId: randomUUID(), accountId: account.accountId, amount: 100n, currency: 'EUR' };
    await ledger.client.holdFunds(request);
    await ledger.client.releaseHold({ transferId: request.transferId, reason: 'cancelled' });
    await refused(ledger.client.holdFunds(request), Code.FailedPrecondition, 'HOLD_RELEASED');
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 0n,
      available: 1_000n,
    });
  });

  it('releasing an unknown transfer leaves a tombstone, so its delayed hold is refused as HOLD_RELEASED', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const transferId = randomUUID();
    const { hold } = await ledger.client.releaseHold({ transferId, reason: 'saga gave up' });
    assert.equal(hold?.status, HoldStatus.RELEASED);
    assert.equal(hold?.amount, 0n);
    assert.equal(hold?.accountId, '');
    assert.equal(hold?.releaseReason, 'saga gave up');

    await refused(
      ledger.client.holdFunds({ transferId, accountId: account.accountId, amount: 100n, currency: 'EUR' }),
      Code.FailedPrecondition,
      'HOLD_RELEASED',
    );
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 1_000n,
      held: 0n,
      available: 1_000n,
    });
    const released = (await outboxEvents(ledger.db, HoldReleasedSchema)).filter(
      (e) => e.event.transferId === transferId,
    );
    assert.equal(released.length, 0, 'a tombstone moved nothing and says nothing');
    const again = await ledger.client.releaseHold({ transferId, reason: 'retry' });
    assert.deepEqual(again.hold, hold);
  });
});
