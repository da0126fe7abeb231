/**
 * Crashes mid-saga: `kill -9` of transactions, then of accounts, while transfers are in flight.
 * After the restart every transfer reaches a terminal state, each idempotency key made at most one
 * transfer, balances match the completed transfers, and every currency of the ledger sums to zero.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { ledgerSums, moves, queryService } from './money-path.js';

let system: RunningSystem;

before(async () => {
  system = await startSystem({
    services: ['accounts', 'risk', 'currency', 'transactions'],
    env: {
      // A crashed driver's lease lapses quickly, so the test need not wait long for the takeover.
      transactions: { SAGA_LEASE_MS: '2000', SAGA_RETRY_MAX_MS: '2000', TRANSFER_SETTLE_WAIT_MS: '500' },
      risk: { RISK_VELOCITY_MAX_COUNT: '1000000' },
    },
  });
});

after(async () => {
  await system?.dispose();
});

async function crashDuringTransfers(victim: string) {
  const m = moves(system);
  const accounts = await Promise.all(Array.from({ length: 6 }, () => m.open(randomUUID(), 'EUR')));
  for (const account of accounts) await m.fund(account, 1_000_00n, 'EUR');
  const keys = Array.from({ length: 60 }, (_, i) => ({
    key: `crash-${victim}-${i}-${randomUUID()}`,
    from: accounts[i % 6] as string,
    to: accounts[(i + 1) % 6] as string,
    amount: BigInt(1_00 + i),
  }));

  // Fire the transfers and kill the victim while they run; calls cut off by the kill fail.
  const inFlight = keys.map(({ key, from, to, amount }) =>
    m.transfer(from, to, amount, 'EUR', key).catch(() => undefined),
  );
  await sleep(150);
  await system.kill(victim);
  const answers = await Promise.all(inFlight);
  const interrupted = answers.filter(
    (t) => t === undefined || (t.state !== TransferState.COMPLETED && t.state !== TransferState.FAILED),
  ).length;
  assert.ok(interrupted > 0, 'the kill cut some transfers off mid-saga');
  await system.start(victim);

  // The recovery loop finishes every transfer that was written before the crash.
  await waitFor(
    'every stored transfer is terminal',
    async () => {
      const rows = await queryService<{ n: string }>(
        system,
        'transactions',
        "select count(*)::text as n from transfers where state not in ('completed', 'failed', 'rejected')",
      );
      return rows[0]?.n === '0';
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );

  // A client retrying with its keys gets exactly one transfer per key, each terminal.
  const settled = [];
  for (const { key, from, to, amount } of keys) {
    let transfer = await m.transfer(from, to, amount, 'EUR', key);
    for (
      let i = 0;
      i < 100 && transfer.state !== TransferState.COMPLETED && transfer.state !== TransferState.FAILED;
      i++
    ) {
      await sleep(100);
      transfer = await m.transfer(from, to, amount, 'EUR', key);
    }
    settled.push({ transfer, from, to, amount });
  }
  const perKey = await queryService<{ n: string }>(
    system,
    'transactions',
    'select count(*)::text as n from transfers where idempotency_key = any($1)',
    [keys.map((k) => k.key)],
  );
  assert.equal(perKey[0]?.n, String(keys.length), 'one transfer per idempotency key');
  assert.ok(
    settled.every(
      ({ transfer }) => transfer.state === TransferState.COMPLETED || transfer.state === TransferState.FAILED,
    ),
  );

  // Balances are exactly what the completed transfers say.
  const expected = new Map(accounts.map((a) => [a, 1_000_00n]));
  for (const { transfer, from, to, amount } of settled) {
    if (transfer.state !== TransferState.COMPLETED) continue;
    expected.set(from, (expected.get(from) ?? 0n) - amount);
    expected.set(to, (expected.get(to) ?? 0n) + amount);
  }
  for (const account of accounts) {
    assert.equal(await m.posted(account), expected.get(account), `balance of ${account}`);
    assert.equal(await m.available(account), expected.get(account), `no hold left on ${account}`);
  }
  for (const [currency, total] of await ledgerSums(system))
    assert.equal(total, 0n, `${currency} sums to ${total}`);
}

describe('crash recovery', () => {
  it('finishes every transfer after kill -9 of transactions mid-saga', async () => {
    await crashDuringTransfers('transactions');
  });

  it('finishes every transfer after kill -9 of accounts mid-saga', async () => {
    await crashDuringTransfers('accounts');
  });

  it('streams a transfer held up by an outage live, change by change, until it completes', async () => {
    const m = moves(system);
    const from = await m.open(randomUUID(), 'EUR');
    const to = await m.open(randomUUID(), 'EUR');
    await m.fund(from, 50_00n, 'EUR');
    await system.kill('accounts');
    const pending = await m.transfer(from, to, 5_00n, 'EUR');
    assert.equal(pending.state, TransferState.PENDING, 'it waits for accounts to come back');

    const seen: TransferState[] = [];
    const watching = (async () => {
      for await (const { transfer } of m.transactions.watchTransfer({ transferId: pending.transferId })) {
        if (transfer && seen.at(-1) !== transfer.state) seen.push(transfer.state);
      }
    })();
    await waitFor('the watch saw the pending transfer', () => seen.length > 0);
    await system.start('accounts');
    await watching;
    assert.equal(seen[0], TransferState.PENDING);
    assert.equal(seen.at(-1), TransferState.COMPLETED);
    assert.equal(await m.posted(to), 5_00n);
  });
});
