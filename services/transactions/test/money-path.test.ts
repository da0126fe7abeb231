/**
 * The money path end to end: users, accounts, risk, currency and transactions as real processes on
 * real Postgres and NATS, driven through their gRPC APIs as a client would.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { reasonOf, violationsOf } from '@paymesh/platform/errors/domain-error';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { ledgerSums, moneyPathServices, moves, queryService } from './money-path.js';

let system: RunningSystem;
let m: ReturnType<typeof moves>;

before(async () => {
  system = await startSystem({
    services: moneyPathServices,
    // A low EUR limit so a transfer can be denied; other currencies keep the default.
    env: {
      risk: {
        RISK_AMOUNT_LIMITS: '{"EUR": "5000000", "*": "100000000"}',
        RISK_VELOCITY_MAX_COUNT: '1000000',
      },
    },
  });
  m = moves(system);
});

after(async () => {
  await system?.dispose();
});

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  assert.fail('expected the call to fail');
}

describe('the money path', () => {
  it('moves money between two registered users and the watch ends on COMPLETED', async () => {
    const alice = await m.register('alice');
    const bob = await m.register('bob');
    const from = await m.open(alice, 'EUR');
    const to = await m.open(bob, 'EUR');
    await m.fund(from, 100_00n, 'EUR');

    const transfer = await m.transfer(from, to, 30_00n, 'EUR');
    const states: TransferState[] = [];
    for await (const { transfer: t } of m.transactions.watchTransfer({ transferId: transfer.transferId })) {
      if (t) states.push(t.state);
    }
    assert.equal(states.at(-1), TransferState.COMPLETED);
    assert.equal(await m.available(from), 70_00n);
    assert.equal(await m.available(to), 30_00n);

    const { transfer: stored } = await m.transactions.getTransfer({ transferId: transfer.transferId });
    assert.deepEqual(
      stored?.steps.map((s) => s.name),
      ['assess_risk', 'lookup_destination', 'hold', 'capture'],
    );
    const { transfers } = await m.transactions.listTransfers({ accountId: to });
    assert.deepEqual(
      transfers.map((t) => t.transferId),
      [transfer.transferId],
    );
  });

  it('fails a transfer beyond the available balance and moves nothing', async () => {
    const owner = randomUUID();
    const from = await m.open(owner, 'EUR');
    const to = await m.open(randomUUID(), 'EUR');
    await m.fund(from, 10_00n, 'EUR');

    const transfer = await m.transfer(from, to, 50_00n, 'EUR');
    assert.equal(transfer.state, TransferState.FAILED);
    assert.equal(transfer.failureReason, 'INSUFFICIENT_FUNDS');
    assert.equal(await m.available(from), 10_00n);
    assert.equal(await m.posted(from), 10_00n);
    assert.equal(await m.posted(to), 0n);
  });

  it('releases the hold and fails when the destination is frozen', async () => {
    const from = await m.open(randomUUID(), 'EUR');
    const to = await m.open(randomUUID(), 'EUR');
    await m.fund(from, 10_00n, 'EUR');
    await m.accounts.freezeAccount({ accountId: to, reason: 'test: frozen destination' });

    const transfer = await m.transfer(from, to, 4_00n, 'EUR');
    assert.equal(transfer.state, TransferState.FAILED);
    assert.equal(transfer.failureReason, 'ACCOUNT_FROZEN');
    const { transfer: stored } = await m.transactions.getTransfer({ transferId: transfer.transferId });
    assert.ok(stored?.steps.some((s) => s.name === 'release'));
    assert.equal(await m.available(from), 10_00n, 'the hold was released');
    assert.equal(await m.posted(to), 0n);
  });

  it('fails a transfer to an account that does not exist, without touching the source', async () => {
    const from = await m.open(randomUUID(), 'EUR');
    await m.fund(from, 10_00n, 'EUR');
    const transfer = await m.transfer(from, randomUUID(), 1_00n, 'EUR');
    assert.equal(transfer.state, TransferState.FAILED);
    assert.equal(transfer.failureReason, 'DESTINATION_NOT_FOUND');
    assert.equal(await m.available(from), 10_00n);
  });

  it('rejects a transfer risk denies, with no ledger effect', async () => {
    const from = await m.open(randomUUID(), 'EUR');
    const to = await m.open(randomUUID(), 'EUR');
    await m.fund(from, 100_000_00n, 'EUR');

    const transfer = await m.transfer(from, to, 60_000_00n, 'EUR');
    assert.equal(transfer.state, TransferState.REJECTED);
    assert.equal(transfer.failureReason, 'RISK_DENIED');
    assert.match(transfer.failureMessage, /amount_limit/);
    assert.equal(await m.available(from), 100_000_00n);
    assert.equal(await m.posted(to), 0n);
  });

  it('converts a cross-currency transfer at the quoted rate', async () => {
    const from = await m.open(randomUUID(), 'EUR');
    const to = await m.open(randomUUID(), 'USD');
    await m.fund(from, 500_00n, 'EUR');

    const transfer = await m.transfer(from, to, 200_00n, 'EUR');
    assert.equal(transfer.state, TransferState.COMPLETED, transfer.failureMessage);
    assert.equal(transfer.destinationCurrency, 'USD');
    assert.ok(transfer.fxRate, 'the rate used is on the transfer');
    const rate = Number(transfer.fxRate);
    assert.ok(
      Math.abs(Number(transfer.destinationAmount) - 20_000 * rate) <= 1,
      `200.00 EUR at ${transfer.fxRate} is ${transfer.destinationAmount} USD cents`,
    );
    assert.equal(await m.posted(from), 300_00n);
    assert.equal(await m.posted(to), transfer.destinationAmount);
  });

  it('makes one transfer of twenty concurrent requests with one idempotency key', async () => {
    const from = await m.open(randomUUID(), 'EUR');
    const to = await m.open(randomUUID(), 'EUR');
    await m.fund(from, 100_00n, 'EUR');
    const key = `order-${randomUUID()}`;

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => m.transfer(from, to, 7_00n, 'EUR', key)),
    );
    assert.equal(new Set(answers.map((t) => t.transferId)).size, 1);
    await waitFor('the transfer is terminal', async () => {
      const { transfer } = await m.transactions.getTransfer({ transferId: answers[0]?.transferId ?? '' });
      return transfer?.state === TransferState.COMPLETED;
    });
    assert.equal(await m.available(from), 93_00n, 'debited once');

    const reused = await failure(m.transfer(from, to, 8_00n, 'EUR', key));
    assert.equal(reused.code, Code.FailedPrecondition);
    assert.equal(reasonOf(reused), 'IDEMPOTENCY_KEY_REUSED');
  });

  it('never overdraws an account under 200 concurrent transfers', async () => {
    const from = await m.open(randomUUID(), 'EUR');
    const to = await m.open(randomUUID(), 'EUR');
    await m.fund(from, 1_000_00n, 'EUR');

    const answers = await Promise.all(Array.from({ length: 200 }, () => m.transfer(from, to, 7_00n, 'EUR')));
    // Those still waiting for a step when the call answered settle in the background.
    const results = await Promise.all(answers.map((t) => m.settled(t.transferId)));
    const completed = results.filter((t) => t.state === TransferState.COMPLETED).length;
    const failed = results.filter((t) => t.state === TransferState.FAILED);
    assert.equal(completed, 142, '1000.00 / 7.00 = 142 transfers fit');
    assert.equal(failed.length, 58);
    assert.ok(failed.every((t) => t.failureReason === 'INSUFFICIENT_FUNDS'));
    assert.equal(await m.available(from), 6_00n);
    assert.equal(await m.posted(to), 994_00n);

    // Every TransferCompleted reached risk's velocity projection, once each.
    await waitFor('risk projected every completed transfer', async () => {
      const rows = await queryService<{ n: string }>(
        system,
        'risk',
        'select count(*)::text as n from completed_transfers where source_account_id = $1',
        [from],
      );
      return rows[0]?.n === '142';
    });
  });

  it('answers bad input with INVALID_ARGUMENT naming the field and writes nothing', async () => {
    const before = await queryService<{ n: string }>(
      system,
      'transactions',
      'select count(*)::text as n from transfers',
    );
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: -5n }, 'amount'],
      [{ amount: 0n }, 'amount'],
      [{ currency: 'XXX' }, 'currency'],
      [{ sourceAccountId: 'not-a-uuid' }, 'source_account_id'],
      [{ idempotencyKey: '' }, 'idempotency_key'],
    ];
    const from = randomUUID();
    for (const [override, field] of cases) {
      const err = await failure(
        m.transactions.createTransfer({
          idempotencyKey: randomUUID(),
          sourceAccountId: from,
          destinationAccountId: randomUUID(),
          amount: 1_00n,
          currency: 'EUR',
          ...override,
        }),
      );
      assert.equal(err.code, Code.InvalidArgument, `${field}: ${err.message}`);
      assert.ok(
        violationsOf(err).some((v) => v.field === field),
        `${field} named in ${JSON.stringify(violationsOf(err))}`,
      );
    }
    const same = await failure(m.transfer(from, from, 1_00n, 'EUR'));
    assert.equal(same.code, Code.InvalidArgument);
    assert.ok(violationsOf(same).some((v) => v.field === 'destination_account_id'));

    const afterCount = await queryService<{ n: string }>(
      system,
      'transactions',
      'select count(*)::text as n from transfers',
    );
    assert.equal(afterCount[0]?.n, before[0]?.n, 'nothing written');
  });

  it('keeps every currency of the ledger summing to zero', async () => {
    const sums = await ledgerSums(system);
    assert.ok(sums.size > 0);
    for (const [currency, total] of sums) assert.equal(total, 0n, `${currency} sums to ${total}`);
  });
});
