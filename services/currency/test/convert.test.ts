/** Convert against real Postgres: one transfer per quote, replays answer the same, QuoteUsed via the outbox. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { QuoteUsedSchema } from '@paymesh/proto/paymesh/currency/v1/events_pb';
import { eq, sql } from 'drizzle-orm';
import { quotes } from '../src/db/schema.js';
import { assertFails, type CurrencyHarness, startCurrency } from './currency-harness.js';

let h: CurrencyHarness;

before(async () => {
  h = await startCurrency();
});

after(async () => {
  await h?.stop();
});

const newQuote = async () => {
  const res = await h.client.createQuote({
    quoteRequestId: randomUUID(),
    sourceCurrency: 'EUR',
    destinationCurrency: 'JPY',
    sourceAmount: 10_000n,
  });
  assert.ok(res.quote);
  return res.quote;
};

const usedEventsOf = async (quoteId: string) =>
  (await h.events(QuoteUsedSchema)).filter((e) => e.aggregateId === quoteId);

it('marks the quote used by the transfer, answers the locked amount and emits QuoteUsed once', async () => {
  const q = await newQuote();
  const transferId = randomUUID();
  const res = await h.client.convert({ quoteId: q.quoteId, transferId });
  assert.deepEqual(res.quote, { ...q, usedByTransferId: transferId });
  assert.equal((await h.client.getQuote({ quoteId: q.quoteId })).quote?.usedByTransferId, transferId);

  const events = await usedEventsOf(q.quoteId);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0]?.message.quote, res.quote);
});

it('answers the same transfer again with the same quote, even after expiry, and emits nothing more', async () => {
  const q = await newQuote();
  const transferId = randomUUID();
  const first = await h.client.convert({ quoteId: q.quoteId, transferId });
  const again = await h.client.convert({ quoteId: q.quoteId, transferId });
  assert.deepEqual(again, first);

  await h.service.deps.db
    .update(quotes)
    .set({ expiresAt: sql`now() - interval '1 minute'` })
    .where(eq(quotes.quoteId, q.quoteId));
  const afterExpiry = await h.client.convert({ quoteId: q.quoteId, transferId });
  assert.equal(afterExpiry.quote?.usedByTransferId, transferId);
  assert.equal(afterExpiry.quote?.destinationAmount, q.destinationAmount);
  assert.equal((await usedEventsOf(q.quoteId)).length, 1);
});

it('refuses another transfer: QUOTE_USED', async () => {
  const q = await newQuote();
  await h.client.convert({ quoteId: q.quoteId, transferId: randomUUID() });
  await assertFails(h.client.convert({ quoteId: q.quoteId, transferId: randomUUID() }), {
    code: Code.FailedPrecondition,
    reason: 'QUOTE_USED',
  });
});

it('lets exactly one of 8 concurrent transfers use a quote; the others get QUOTE_USED', async () => {
  const q = await newQuote();
  const outcomes = await Promise.allSettled(
    Array.from({ length: 8 }, () => h.client.convert({ quoteId: q.quoteId, transferId: randomUUID() })),
  );
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  assert.equal(won.length, 1);
  for (const o of outcomes) {
    if (o.status === 'rejected') {
      assert.ok(o.reason instanceof ConnectError);
      assert.equal(reasonOf(o.reason), 'QUOTE_USED');
    }
  }
  assert.equal((await usedEventsOf(q.quoteId)).length, 1);
});

it('is NOT_FOUND (QUOTE_NOT_FOUND) for an unknown quote', async () => {
  await assertFails(h.client.convert({ quoteId: randomUUID(), transferId: randomUUID() }), {
    code: Code.NotFound,
    reason: 'QUOTE_NOT_FOUND',
  });
});

it('refuses a transfer id that is not a UUID, naming the field', async () => {
  const q = await newQuote();
  await assertFails(h.client.convert({ quoteId: q.quoteId, transferId: 'transfer-1' }), {
    code: Code.InvalidArgument,
    field: 'transfer_id',
  });
});
