/**
 * The ledger's invariants after a concurrent mixed workload (credits, same- and cross-currency
 * captures in every direction, releases, refused holds): per currency all balances sum to zero,
 * every entry balances, balances equal their postings and open holds, no available is negative,
 * and no transaction deadlocked (any would surface as a failed call). The operations are drawn from
 * a printed seed (LEDGER_SEED replays them); their interleaving is the scheduler's.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ConnectError } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import type { Account } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { HoldCapturedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { sql } from 'drizzle-orm';
import { openAccount, outboxEvents, type RunningLedger, startLedger } from './ledger-harness.js';

let ledger: RunningLedger;

before(async () => {
  ledger = await startLedger();
});

after(async () => {
  await ledger?.stop();
});

/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const expectedRefusals = new Set(['INSUFFICIENT_FUNDS', 'ACCOUNT_FROZEN']);

it('after a concurrent mixed workload every currency sums to zero and every balance matches its postings', async () => {
  const seed = Number(process.env.LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`ledger workload seed: ${seed} (LEDGER_SEED=${seed} replays it)`);
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };

  const currencies = ['EUR', 'USD', 'GBP'] as const;
  const accounts: Account[] = [];
  for (const currency of currencies) {
    for (let i = 0; i < 4; i++) accounts.push(await openAccount(ledger.client, currency, 2_000n));
  }
  const frozen = accounts[accounts.length - 1];
  assert.ok(frozen);
  await ledger.client.freezeAccount({ accountId: frozen.accountId, reason: 'part of the workload' });

  const outcomes = { captured: 0, released: 0, refused: 0, credited: 0 };
  // Every operation and its terms are drawn from the seed up front; only their interleaving is the scheduler's.
  const transfer = () => {
    const source = pick(accounts);
    const destination = pick(accounts.filter((a) => a.accountId !== source.accountId));
    const amount = BigInt(1 + Math.floor(next() * 900));
    const capture = next() < 0.75;
    const destinationAmount =
      source.currency === destination.currency
        ? amount
        : BigInt(1 + Math.floor(Number(amount) * (0.5 + next())));
    return async () => {
      const transferId = randomUUID();
      try {
        await ledger.client.holdFunds({
          transferId,
          accountId: source.accountId,
          amount,
          currency: source.currency,
        });
        if (capture) {
          try {
            await ledger.client.captureHold({
              transferId,
              destinationAccountId: destination.accountId,
              destinationAmount,
              destinationCurrency: destination.currency,
            });
            outcomes.captured++;
            return;
          } catch (err) {
            if (reasonOf(err) !== 'ACCOUNT_FROZEN') throw err;
          }
        }
        await ledger.client.releaseHold({ transferId, reason: capture ? 'destination frozen' : 'cancelled' });
        outcomes.released++;
      } catch (err) {
        const reason = reasonOf(err);
        if (!(err instanceof ConnectError) || !reason || !expectedRefusals.has(reason)) throw err;
        outcomes.refused++;
      }
    };
  };
  const credit = () => {
    const account = pick(accounts.filter((a) => a.accountId !== frozen.accountId));
    const amount = BigInt(1 + Math.floor(next() * 500));
    return async () => {
      await ledger.client.creditAccount({
        creditId: randomUUID(),
        accountId: account.accountId,
        amount,
        currency: account.currency,
        reference: 'workload',
      });
      outcomes.credited++;
    };
  };

  const operations = Array.from({ length: 240 }, () => (next() < 0.2 ? credit() : transfer()));
  const workers = Array.from({ length: 12 }, async () => {
    for (let op = operations.pop(); op; op = operations.pop()) await op();
  });
  await Promise.all(workers);
  console.log(`workload outcomes: ${JSON.stringify(outcomes)}`);
  assert.ok(
    outcomes.captured > 0 && outcomes.released > 0 && outcomes.credited > 0,
    JSON.stringify(outcomes),
  );

  const zeroSum = await ledger.db.execute<{ currency: string; total: string }>(
    sql`select currency, sum(posted_balance)::text as total from accounts group by currency order by currency`,
  );
  assert.deepEqual(
    zeroSum.rows,
    currencies
      .map((currency) => ({ currency, total: '0' }))
      .sort((a, b) => a.currency.localeCompare(b.currency)),
    'per currency, all posted balances (system accounts included) sum to zero',
  );

  const unbalanced = await ledger.db.execute(
    sql`select entry_id, currency from postings group by entry_id, currency having sum(amount) <> 0`,
  );
  assert.deepEqual(unbalanced.rows, [], 'every journal entry sums to zero per currency');

  const drift = await ledger.db.execute(sql`
    select a.account_id from accounts a
    where a.posted_balance <> coalesce((select sum(p.amount) from postings p where p.account_id = a.account_id), 0)
       or a.held_balance <> coalesce((select sum(h.amount) from holds h
                                      where h.account_id = a.account_id and h.status = 'held'), 0)`);
  assert.deepEqual(
    drift.rows,
    [],
    'posted = sum of postings and held = sum of open holds, for every account',
  );

  const overdrawn = await ledger.db.execute(
    sql`select account_id from accounts where kind = 'customer' and posted_balance - held_balance < 0`,
  );
  assert.deepEqual(overdrawn.rows, []);

  const captures = await ledger.db.execute<{ n: string }>(
    sql`select count(*)::text as n from holds where status = 'captured'`,
  );
  assert.equal(Number(captures.rows[0]?.n), outcomes.captured);
  assert.equal((await outboxEvents(ledger.db, HoldCapturedSchema)).length, outcomes.captured);
});
