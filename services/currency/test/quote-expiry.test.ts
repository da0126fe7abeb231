/** Quotes that expire: with a tiny QUOTE_TTL_MS, Convert is QUOTE_EXPIRED; prune-quotes deletes long-expired quotes in batches. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { errorInfoOf } from '@paymesh/platform/errors/domain-error';
import { QuoteUsedSchema } from '@paymesh/proto/paymesh/currency/v1/events_pb';
import { inArray, sql } from 'drizzle-orm';
import { quotes } from '../src/db/schema.js';
import { type CurrencyHarness, startCurrency } from './currency-harness.js';

let h: CurrencyHarness;

before(async () => {
  h = await startCurrency({
    QUOTE_TTL_MS: '1',
    QUOTE_PRUNE_BATCH_SIZE: '2',
    // Passes run when the test says, not on a timer.
    QUOTE_PRUNE_INTERVAL_MS: '3600000',
  });
});

after(async () => {
  await h?.stop();
});

const newQuote = async () => {
  const res = await h.client.createQuote({
    quoteRequestId: randomUUID(),
    sourceCurrency: 'USD',
    destinationCurrency: 'EUR',
    sourceAmount: 5_000n,
  });
  assert.ok(res.quote);
  return res.quote;
};

it('refuses to convert with an expired quote: QUOTE_EXPIRED with its expiry, and leaves it unused', async () => {
  const q = await newQuote();
  assert.ok(q.expiresAt);
  await sleep(5);
  const err = await h.client.convert({ quoteId: q.quoteId, transferId: randomUUID() }).then(
    () => assert.fail('an expired quote converted'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConnectError);
  assert.equal(err.code, Code.FailedPrecondition);
  const info = errorInfoOf(err);
  assert.equal(info?.reason, 'QUOTE_EXPIRED');
  assert.equal(info?.metadata.expires_at, timestampDate(q.expiresAt).toISOString());
  assert.equal((await h.client.getQuote({ quoteId: q.quoteId })).quote?.usedByTransferId, '');
  assert.equal((await h.events(QuoteUsedSchema)).length, 0);
});

it('prune-quotes deletes quotes expired beyond the retention, a batch per pass, and keeps the recent ones', async () => {
  const old = await Promise.all([newQuote(), newQuote(), newQuote()]);
  const recent = await newQuote();
  const oldIds = old.map((q) => q.quoteId);
  await h.service.deps.db
    .update(quotes)
    .set({ expiresAt: sql`now() - interval '8 days'` })
    .where(inArray(quotes.quoteId, oldIds));
  const remaining = async () =>
    (await h.service.deps.db.select().from(quotes).where(inArray(quotes.quoteId, oldIds))).length;

  const job = h.service.jobs['prune-quotes'];
  assert.ok(job);
  await job.runOnce();
  assert.equal(await remaining(), 1, 'one batch of 2 deleted');
  await job.runOnce();
  assert.equal(await remaining(), 0);
  await assert.rejects(
    h.client.getQuote({ quoteId: oldIds[0] ?? '' }),
    (e: unknown) => e instanceof ConnectError && e.code === Code.NotFound,
  );
  assert.equal((await h.client.getQuote({ quoteId: recent.quoteId })).quote?.quoteId, recent.quoteId);
});
