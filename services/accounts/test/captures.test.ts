/**
 * Captures (the TCC confirm): the balanced postings of same- and cross-currency captures, the
 * balances they leave, idempotent repeats, and every refusal with the hold left as it was.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { errorInfoOf } from '@paymesh/platform/errors/domain-error';
import { HoldStatus, type Posting } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { HoldCapturedSchema, HoldReleasedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { and, eq } from 'drizzle-orm';
import * as schema from '../src/db/schema.js';
import {
  type AccountsClient,
  balancesOf,
  openAccount,
  outboxEvents,
  type RunningLedger,
  refused,
  startLedger,
  violatedFields,
} from './ledger-harness.js';

let ledger: RunningLedger;

before(async () => {
  ledger = await startLedger();
});

after(async () => {
  await ledger?.stop();
});

async function held(
  client: AccountsClient,
  accountId: string,
  amount: bigint,
  currency: string,
): Promise<string> {
  const transferId = randomUUID();
  await client.holdFunds({ transferId, accountId, amount, currency });
  return transferId;
}

async function poolBalance(currency: string): Promise<bigint> {
  const [pool] = await ledger.db
    .select()
    .from(schema.accounts)
    .where(and(eq(schema.accounts.kind, 'fx_pool'), eq(schema.accounts.currency, currency)));
  return pool?.postedBalance ?? 0n;
}

function sumsByCurrency(postings: readonly Posting[]): Record<string, bigint> {
  const sums: Record<string, bigint> = {};
  for (const p of postings) sums[p.currency] = (sums[p.currency] ?? 0n) + p.amount;
  return sums;
}

describe('CaptureHold', () => {
  it('same currency: the source loses the held amount (held back to 0), the destination gains it', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = await held(ledger.client, source.accountId, 600n, 'EUR');

    const capture = await ledger.client.captureHold({
      transferId,
      destinationAccountId: destination.accountId,
      destinationAmount: 600n,
      destinationCurrency: 'EUR',
    });
    assert.equal(capture.hold?.status, HoldStatus.CAPTURED);
    assert.deepEqual(
      capture.postings.map((p) => [p.accountId, p.amount, p.currency]),
      [
        [source.accountId, -600n, 'EUR'],
        [destination.accountId, 600n, 'EUR'],
      ],
    );
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 400n,
      held: 0n,
      available: 400n,
    });
    assert.deepEqual(await balancesOf(ledger.client, destination.accountId), {
      posted: 600n,
      held: 0n,
      available: 600n,
    });

    const captured = (await outboxEvents(ledger.db, HoldCapturedSchema)).filter(
      (e) => e.event.transferId === transferId,
    );
    assert.equal(captured.length, 1);
    assert.equal(captured[0]?.aggregateId, source.accountId);
    assert.equal(captured[0]?.event.destinationAccountId, destination.accountId);
    assert.deepEqual(captured[0]?.event.postings, capture.postings);
  });

  it('repeated: the same postings again, balances unchanged, one HoldCaptured; another destination is HOLD_MISMATCH', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = await held(ledger.client, source.accountId, 300n, 'EUR');
    const request = {
      transferId,
      destinationAccountId: destination.accountId,
      destinationAmount: 300n,
      destinationCurrency: 'EUR',
    };
    const first = await ledger.client.captureHold(request);
    const second = await ledger.client.captureHold(request);
    assert.deepEqual(second.postings, first.postings);
    assert.deepEqual(second.hold, first.hold);
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 700n,
      held: 0n,
      available: 700n,
    });
    assert.deepEqual(await balancesOf(ledger.client, destination.accountId), {
      posted: 300n,
      held: 0n,
      available: 300n,
    });
    const captured = (await outboxEvents(ledger.db, HoldCapturedSchema)).filter(
      (e) => e.event.transferId === transferId,
    );
    assert.equal(captured.length, 1);

    const other = await openAccount(ledger.client, 'EUR');
    await refused(
      ledger.client.captureHold({ ...request, destinationAccountId: other.accountId }),
      Code.FailedPrecondition,
      'HOLD_MISMATCH',
    );
  });

  it('cross-currency: postings through both FX pools sum to zero per currency, and the pools moved', async () => {
    const source = await openAccount(ledger.client, 'EUR', 5_000n);
    const destination = await openAccount(ledger.client, 'USD');
    const [eurPoolBefore, usdPoolBefore] = [await poolBalance('EUR'), await poolBalance('USD')];
    const transferId = await held(ledger.client, source.accountId, 1_000n, 'EUR');

    const capture = await ledger.client.captureHold({
      transferId,
      destinationAccountId: destination.accountId,
      destinationAmount: 1_085n,
      destinationCurrency: 'USD',
    });
    assert.equal(capture.postings.length, 4);
    assert.deepEqual(sumsByCurrency(capture.postings), { EUR: 0n, USD: 0n });
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 4_000n,
      held: 0n,
      available: 4_000n,
    });
    assert.deepEqual(await balancesOf(ledger.client, destination.accountId), {
      posted: 1_085n,
      held: 0n,
      available: 1_085n,
    });
    assert.equal((await poolBalance('EUR')) - eurPoolBefore, 1_000n);
    assert.equal((await poolBalance('USD')) - usdPoolBefore, -1_085n);

    const [captured] = (await outboxEvents(ledger.db, HoldCapturedSchema)).filter(
      (e) => e.event.transferId === transferId,
    );
    assert.equal(captured?.event.amount, 1_000n);
    assert.equal(captured?.event.currency, 'EUR');
    assert.equal(captured?.event.destinationAmount, 1_085n);
    assert.equal(captured?.event.destinationCurrency, 'USD');
  });

  it('frozen destination: ACCOUNT_FROZEN and the hold stays held; releasing it gives the money back', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    await ledger.client.freezeAccount({ accountId: destination.accountId, reason: 'closed' });
    const transferId = await held(ledger.client, source.accountId, 700n, 'EUR');

    const err = await refused(
      ledger.client.captureHold({
        transferId,
        destinationAccountId: destination.accountId,
        destinationAmount: 700n,
        destinationCurrency: 'EUR',
      }),
      Code.FailedPrecondition,
      'ACCOUNT_FROZEN',
    );
    assert.equal(errorInfoOf(err)?.metadata.account_id, destination.accountId);
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 1_000n,
      held: 700n,
      available: 300n,
    });

    const { hold } = await ledger.client.releaseHold({ transferId, reason: 'destination frozen' });
    assert.equal(hold?.status, HoldStatus.RELEASED);
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 1_000n,
      held: 0n,
      available: 1_000n,
    });
    assert.deepEqual(await balancesOf(ledger.client, destination.accountId), {
      posted: 0n,
      held: 0n,
      available: 0n,
    });
  });

  it('a frozen source cannot be captured from either (ACCOUNT_FROZEN), its hold stays held', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = await held(ledger.client, source.accountId, 100n, 'EUR');
    await ledger.client.freezeAccount({ accountId: source.accountId, reason: 'review' });
    const err = await refused(
      ledger.client.captureHold({
        transferId,
        destinationAccountId: destination.accountId,
        destinationAmount: 100n,
        destinationCurrency: 'EUR',
      }),
      Code.FailedPrecondition,
      'ACCOUNT_FROZEN',
    );
    assert.equal(errorInfoOf(err)?.metadata.account_id, source.accountId);
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 1_000n,
      held: 100n,
      available: 900n,
    });
  });

  it('release after capture is HOLD_CAPTURED, and the capture stands', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = await held(ledger.client, source.accountId, 200n, 'EUR');
    await ledger.client.captureHold({
      transferId,
      destinationAccountId: destination.accountId,
      destinationAmount: 200n,
      destinationCurrency: 'EUR',
    });
    await refused(
      ledger.client.releaseHold({ transferId, reason: 'too late' }),
      Code.FailedPrecondition,
      'HOLD_CAPTURED',
    );
    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 800n,
      held: 0n,
      available: 800n,
    });
    const released = (await outboxEvents(ledger.db, HoldReleasedSchema)).filter(
      (e) => e.event.transferId === transferId,
    );
    assert.equal(released.length, 0);
  });

  it('refuses what cannot be captured, leaving the hold held and every balance as it was', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = await held(ledger.client, source.accountId, 500n, 'EUR');
    const request = {
      transferId,
      destinationAccountId: destination.accountId,
      destinationAmount: 500n,
      destinationCurrency: 'EUR',
    };

    await refused(
      ledger.client.captureHold({ ...request, transferId: randomUUID() }),
      Code.NotFound,
      'HOLD_NOT_FOUND',
    );
    await refused(
      ledger.client.captureHold({ ...request, destinationAccountId: randomUUID() }),
      Code.NotFound,
      'ACCOUNT_NOT_FOUND',
    );
    await refused(
      ledger.client.captureHold({ ...request, destinationCurrency: 'USD', destinationAmount: 540n }),
      Code.FailedPrecondition,
      'CURRENCY_MISMATCH',
    );
    const itself = await refused(
      ledger.client.captureHold({ ...request, destinationAccountId: source.accountId }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(itself), ['destination_account_id']);
    const amount = await refused(
      ledger.client.captureHold({ ...request, destinationAmount: 499n }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(amount), ['destination_amount']);

    assert.deepEqual(await balancesOf(ledger.client, source.accountId), {
      posted: 1_000n,
      held: 500n,
      available: 500n,
    });
    assert.deepEqual(await balancesOf(ledger.client, destination.accountId), {
      posted: 0n,
      held: 0n,
      available: 0n,
    });
    const { hold } = await ledger.client.captureHold(request);
    assert.equal(hold?.status, HoldStatus.CAPTURED, 'the hold was still capturable');
  });

  it('refuses a released hold as HOLD_RELEASED', async () => {
    const source = await openAccount(ledger.client, 'EUR', 1_000n);
    const destination = await openAccount(ledger.client, 'EUR');
    const transferId = await held(ledger.client, source.accountId, 100n, 'EUR');
    await ledger.client.releaseHold({ transferId, reason: 'cancelled' });
    await refused(
      ledger.client.captureHold({
        transferId,
        destinationAccountId: destination.accountId,
        destinationAmount: 100n,
        destinationCurrency: 'EUR',
      }),
      Code.FailedPrecondition,
      'HOLD_RELEASED',
    );
    assert.deepEqual(await balancesOf(ledger.client, destination.accountId), {
      posted: 0n,
      held: 0n,
      available: 0n,
    });
  });
});
