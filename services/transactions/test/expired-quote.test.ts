/** A cross-currency transfer whose quote expires before it is used fails cleanly: hold released, nothing moved. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { ledgerSums, moves } from './money-path.js';

let system: RunningSystem;

before(async () => {
  system = await startSystem({
    services: ['accounts', 'risk', 'currency', 'transactions'],
    // Every quote expires at once, before the saga can use it.
    env: { currency: { QUOTE_TTL_MS: '1' } },
  });
});

after(async () => {
  await system?.dispose();
});

it('fails a transfer whose quote expired, releasing the hold', async () => {
  const m = moves(system);
  const from = await m.open(randomUUID(), 'GBP');
  const to = await m.open(randomUUID(), 'JPY');
  await m.fund(from, 100_00n, 'GBP');

  const transfer = await m.transfer(from, to, 40_00n, 'GBP');
  assert.equal(transfer.state, TransferState.FAILED);
  assert.equal(transfer.failureReason, 'QUOTE_EXPIRED');
  assert.equal(await m.available(from), 100_00n);
  assert.equal(await m.posted(to), 0n);
  for (const [currency, total] of await ledgerSums(system))
    assert.equal(total, 0n, `${currency} sums to ${total}`);
});
