/**
 * Accounts: opening (idempotent on the request id), reading, listing a page at a time, freezing,
 * and input the contract refuses before anything is written.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { type Account, AccountKind, AccountStatus } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { AccountFrozenSchema, AccountOpenedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { and, eq } from 'drizzle-orm';
import * as schema from '../src/db/schema.js';
import {
  openAccount,
  outboxEvents,
  type RunningLedger,
  refused,
  rowCounts,
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

describe('OpenAccount', () => {
  it('opens one account with one AccountOpened when the same request id is sent twice', async () => {
    const request = { requestId: randomUUID(), ownerId: randomUUID(), currency: 'EUR' };
    const first = await ledger.client.openAccount(request);
    const second = await ledger.client.openAccount(request);
    assert.ok(first.account && second.account);
    assert.equal(second.account.accountId, first.account.accountId);
    assert.equal(first.account.status, AccountStatus.ACTIVE);
    assert.equal(first.account.kind, AccountKind.CUSTOMER);
    assert.equal(first.account.postedBalance, 0n);
    assert.equal(first.account.availableBalance, 0n);

    const opened = (await outboxEvents(ledger.db, AccountOpenedSchema)).filter(
      (e) => e.event.accountId === first.account?.accountId,
    );
    assert.equal(opened.length, 1);
    assert.equal(opened[0]?.aggregateId, first.account.accountId);
    assert.equal(opened[0]?.event.ownerId, request.ownerId);
    assert.equal(opened[0]?.event.currency, 'EUR');
  });

  it('refuses the same request id for another owner or currency as OPEN_REQUEST_MISMATCH', async () => {
    const request = { requestId: randomUUID(), ownerId: randomUUID(), currency: 'EUR' };
    await ledger.client.openAccount(request);
    await refused(
      ledger.client.openAccount({ ...request, currency: 'USD' }),
      Code.FailedPrecondition,
      'OPEN_REQUEST_MISMATCH',
    );
  });
});

describe('GetAccount and ListAccounts', () => {
  it('answers NOT_FOUND ACCOUNT_NOT_FOUND for an unknown account', async () => {
    await refused(ledger.client.getAccount({ accountId: randomUUID() }), Code.NotFound, 'ACCOUNT_NOT_FOUND');
  });

  it("pages through an owner's 5 accounts oldest first, 2 at a time, in 3 pages without duplicates", async () => {
    const ownerId = randomUUID();
    const opened: Account[] = [];
    for (const currency of ['EUR', 'USD', 'GBP', 'EUR', 'JPY']) {
      opened.push(await openAccount(ledger.client, currency, 0n, ownerId));
    }
    // Oldest first; accounts opened within one millisecond come in account id order.
    const oldestFirst = opened
      .map((a) => ({ id: a.accountId, at: a.openedAt ? timestampMs(a.openedAt) : 0 }))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
      .map((a) => a.id);
    await openAccount(ledger.client, 'EUR'); // another owner's: never listed

    const pages: string[][] = [];
    let pageToken = '';
    do {
      const page = await ledger.client.listAccounts({ ownerId, pageSize: 2, pageToken });
      pages.push(page.accounts.map((a) => a.accountId));
      pageToken = page.nextPageToken;
    } while (pageToken !== '' && pages.length < 10);

    assert.deepEqual(
      pages.map((p) => p.length),
      [2, 2, 1],
    );
    assert.deepEqual(pages.flat(), oldestFirst, 'every account once, oldest first');
  });

  it('returns at most 50 when page_size is 0, and an empty page for an owner without accounts', async () => {
    const ownerId = randomUUID();
    await openAccount(ledger.client, 'EUR', 0n, ownerId);
    const page = await ledger.client.listAccounts({ ownerId, pageSize: 0, pageToken: '' });
    assert.equal(page.accounts.length, 1);
    assert.equal(page.nextPageToken, '');
    const none = await ledger.client.listAccounts({ ownerId: randomUUID(), pageSize: 10, pageToken: '' });
    assert.deepEqual(none.accounts, []);
  });

  it('refuses a malformed page_token as INVALID_ARGUMENT on page_token', async () => {
    const err = await refused(
      ledger.client.listAccounts({ ownerId: randomUUID(), pageSize: 2, pageToken: 'garbage!' }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(err), ['page_token']);
  });
});

describe('FreezeAccount', () => {
  it('freezes once: AccountFrozen the first time, the frozen account and no event the second', async () => {
    const account = await openAccount(ledger.client, 'EUR');
    const first = await ledger.client.freezeAccount({ accountId: account.accountId, reason: 'fraud review' });
    const second = await ledger.client.freezeAccount({ accountId: account.accountId, reason: 'again' });
    assert.equal(first.account?.status, AccountStatus.FROZEN);
    assert.equal(second.account?.status, AccountStatus.FROZEN);
    const frozen = (await outboxEvents(ledger.db, AccountFrozenSchema)).filter(
      (e) => e.event.accountId === account.accountId,
    );
    assert.deepEqual(
      frozen.map((e) => e.event.reason),
      ['fraud review'],
    );
  });

  it('answers NOT_FOUND for an unknown account and refuses to freeze a system account', async () => {
    await refused(
      ledger.client.freezeAccount({ accountId: randomUUID(), reason: 'x' }),
      Code.NotFound,
      'ACCOUNT_NOT_FOUND',
    );
    await openAccount(ledger.client, 'CHF', 100n); // the CHF funding account now exists
    const [funding] = await ledger.db
      .select()
      .from(schema.accounts)
      .where(and(eq(schema.accounts.kind, 'funding'), eq(schema.accounts.currency, 'CHF')));
    assert.ok(funding);
    await refused(
      ledger.client.freezeAccount({ accountId: funding.accountId, reason: 'x' }),
      Code.FailedPrecondition,
      'SYSTEM_ACCOUNT',
    );
    const opened = (await outboxEvents(ledger.db, AccountOpenedSchema)).filter(
      (e) => e.event.accountId === funding.accountId,
    );
    assert.equal(opened.length, 1, 'the funding account was opened with its own AccountOpened');
    assert.equal(opened[0]?.event.kind, AccountKind.FUNDING);
    assert.equal(opened[0]?.event.ownerId, '');
  });
});

describe('bad input', () => {
  it('is INVALID_ARGUMENT naming the field, and writes nothing', async () => {
    const account = await openAccount(ledger.client, 'EUR', 1_000n);
    const before = await rowCounts(ledger.db);
    const hold = { transferId: randomUUID(), accountId: account.accountId, amount: 10n, currency: 'EUR' };

    const negative = await refused(ledger.client.holdFunds({ ...hold, amount: -5n }), Code.InvalidArgument);
    assert.deepEqual(violatedFields(negative), ['amount']);
    const badUuid = await refused(
      ledger.client.holdFunds({ ...hold, accountId: 'not-a-uuid' }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(badUuid), ['account_id']);
    const currency = await refused(
      ledger.client.holdFunds({ ...hold, currency: 'XYZ' }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(currency), ['currency']);
    const credit = await refused(
      ledger.client.creditAccount({
        creditId: randomUUID(),
        accountId: account.accountId,
        amount: 0n,
        currency: 'EUR',
        reference: '',
      }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(credit), ['amount']);
    const open = await refused(
      ledger.client.openAccount({ requestId: randomUUID(), ownerId: 'nobody', currency: 'EUR' }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(open), ['owner_id']);

    assert.deepEqual(await rowCounts(ledger.db), before);
  });
});
