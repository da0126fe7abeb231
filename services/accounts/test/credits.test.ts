/** Credits: funding a customer account from its currency's funding account, exactly once per credit id. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { AccountCreditedSchema, AccountOpenedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { and, eq } from 'drizzle-orm';
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

async function fundingAccount(currency: string) {
  const [funding] = await ledger.db
    .select()
    .from(schema.accounts)
    .where(and(eq(schema.accounts.kind, 'funding'), eq(schema.accounts.currency, currency)));
  assert.ok(funding, `no ${currency} funding account`);
  return funding;
}

describe('CreditAccount', () => {
  it('posts funding −A, account +A, with AccountCredited keyed by the account', async () => {
    const account = await openAccount(ledger.client, 'GBP');
    const creditId = randomUUID();
    const credit = await ledger.client.creditAccount({
      creditId,
      accountId: account.accountId,
      amount: 2_500n,
      currency: 'GBP',
      reference: 'card deposit',
    });
    const funding = await fundingAccount('GBP');
    assert.deepEqual(
      credit.postings.map((p) => [p.accountId, p.amount, p.currency]),
      [
        [funding.accountId, -2_500n, 'GBP'],
        [account.accountId, 2_500n, 'GBP'],
      ],
    );
    assert.equal(credit.account?.availableBalance, 2_500n);
    assert.equal(funding.postedBalance, -2_500n, 'the funding account is minus all money issued');
    const [credited] = (await outboxEvents(ledger.db, AccountCreditedSchema)).filter(
      (e) => e.event.creditId === creditId,
    );
    assert.equal(credited?.aggregateId, account.accountId);
    assert.equal(credited?.event.reference, 'card deposit');
    assert.deepEqual(credited?.event.postings, credit.postings);
  });

  it('the first credits of a currency, 8 at once, open exactly one funding account with one AccountOpened', async () => {
    const targets = await Promise.all(Array.from({ length: 8 }, () => openAccount(ledger.client, 'NOK')));
    await Promise.all(
      targets.map((account) =>
        ledger.client.creditAccount({
          creditId: randomUUID(),
          accountId: account.accountId,
          amount: 100n,
          currency: 'NOK',
          reference: '',
        }),
      ),
    );
    const funding = await ledger.db
      .select()
      .from(schema.accounts)
      .where(and(eq(schema.accounts.kind, 'funding'), eq(schema.accounts.currency, 'NOK')));
    assert.equal(funding.length, 1);
    assert.equal(funding[0]?.postedBalance, -800n);
    const opened = (await outboxEvents(ledger.db, AccountOpenedSchema)).filter(
      (e) => e.event.accountId === funding[0]?.accountId,
    );
    assert.equal(opened.length, 1);
  });

  it('the same credit id, sent 10 times at once and again later, credits once with the same answer', async () => {
    const account = await openAccount(ledger.client, 'EUR');
    const request = {
      creditId: randomUUID(),
      accountId: account.accountId,
      amount: 700n,
      currency: 'EUR',
      reference: 'top-up',
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => ledger.client.creditAccount(request)));
    const later = await ledger.client.creditAccount(request);
    for (const answer of [...answers, later]) assert.deepEqual(answer.postings, later.postings);
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 700n,
      held: 0n,
      available: 700n,
    });
    const credited = (await outboxEvents(ledger.db, AccountCreditedSchema)).filter(
      (e) => e.event.creditId === request.creditId,
    );
    assert.equal(credited.length, 1);
  });

  it('refuses the same credit id with other terms as CREDIT_MISMATCH, crediting nothing more', async () => {
    const account = await openAccount(ledger.client, 'EUR');
    const request = {
      creditId: randomUUID(),
      accountId: account.accountId,
      amount: 100n,
      currency: 'EUR',
      reference: 'a',
    };
    await ledger.client.creditAccount(request);
    await refused(
      ledger.client.creditAccount({ ...request, amount: 101n }),
      Code.FailedPrecondition,
      'CREDIT_MISMATCH',
    );
    await refused(
      ledger.client.creditAccount({ ...request, reference: 'b' }),
      Code.FailedPrecondition,
      'CREDIT_MISMATCH',
    );
    assert.deepEqual(await balancesOf(ledger.client, account.accountId), {
      posted: 100n,
      held: 0n,
      available: 100n,
    });
  });

  it('a repeat after the account was frozen still answers the first credit', async () => {
    const account = await openAccount(ledger.client, 'EUR');
    const request = {
      creditId: randomUUID(),
      accountId: account.accountId,
      amount: 100n,
      currency: 'EUR',
      reference: '',
    };
    const first = await ledger.client.creditAccount(request);
    await ledger.client.freezeAccount({ accountId: account.accountId, reason: 'review' });
    const again = await ledger.client.creditAccount(request);
    assert.deepEqual(again.postings, first.postings);
    assert.equal(again.account?.postedBalance, 100n);
  });

  it('refuses a frozen, unknown, other-currency or system account, writing nothing', async () => {
    const frozen = await openAccount(ledger.client, 'EUR');
    await ledger.client.freezeAccount({ accountId: frozen.accountId, reason: 'review' });
    const eur = await openAccount(ledger.client, 'EUR', 1n);
    const funding = await fundingAccount('EUR');
    const before = await rowCounts(ledger.db);
    const credit = (accountId: string, currency = 'EUR') =>
      ledger.client.creditAccount({
        creditId: randomUUID(),
        accountId,
        amount: 10n,
        currency,
        reference: '',
      });

    await refused(credit(frozen.accountId), Code.FailedPrecondition, 'ACCOUNT_FROZEN');
    await refused(credit(randomUUID()), Code.NotFound, 'ACCOUNT_NOT_FOUND');
    await refused(credit(eur.accountId, 'SEK'), Code.FailedPrecondition, 'CURRENCY_MISMATCH');
    await refused(credit(funding.accountId), Code.FailedPrecondition, 'SYSTEM_ACCOUNT');
    assert.deepEqual(await rowCounts(ledger.db), before, 'not even the SEK funding account');
  });
});
