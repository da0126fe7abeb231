/** CreateQuote and GetQuote against real Postgres: exact amounts across exponents, locked rates, one quote per request id. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { eq } from 'drizzle-orm';
import { quotes } from '../src/db/schema.js';
import { assertFails, type CurrencyHarness, startCurrency } from './currency-harness.js';

let h: CurrencyHarness;

before(async () => {
  h = await startCurrency();
  await h.client.updateRates({
    rates: [
      { currency: 'EUR', rate: '1.1' },
      { currency: 'JPY', rate: '0.007' },
      { currency: 'KWD', rate: '3.25' },
    ],
  });
});

after(async () => {
  await h?.stop();
});

const quote = async (
  sourceCurrency: string,
  destinationCurrency: string,
  sourceAmount: bigint,
  id = randomUUID(),
) => {
  const res = await h.client.createQuote({
    quoteRequestId: id,
    sourceCurrency,
    destinationCurrency,
    sourceAmount,
  });
  assert.ok(res.quote);
  return res.quote;
};

describe('CreateQuote', () => {
  it('converts 100.00 EUR to yen across the exponent difference, rounding down', async () => {
    const q = await quote('EUR', 'JPY', 10_000n);
    // 1.1 / 0.007 = 157.142857142857…; 10000 cents × that / 10^2 = 15714.28… yen
    assert.equal(q.rate, '157.142857142857');
    assert.equal(q.destinationAmount, 15_714n);
    assert.equal(q.sourceAmount, 10_000n);
    assert.equal(q.usedByTransferId, '');
  });

  it('converts into and out of a three-decimal currency (KWD)', async () => {
    const toKwd = await quote('EUR', 'KWD', 10_000n);
    // 1.1 / 3.25 = 0.338461538461…; 10000 cents × that × 10 = 33846.15… fils
    assert.equal(toKwd.rate, '0.338461538461');
    assert.equal(toKwd.destinationAmount, 33_846n);
    const fromKwd = await quote('KWD', 'EUR', 1_000n);
    // 3.25 / 1.1 = 2.954545454545…; 1000 fils × that / 10 = 295.45… cents
    assert.equal(fromKwd.rate, '2.954545454545');
    assert.equal(fromKwd.destinationAmount, 295n);
  });

  it('locks the rate until the default TTL of 60 s', async () => {
    const start = Date.now();
    const q = await quote('EUR', 'JPY', 500n);
    assert.ok(q.expiresAt);
    const ttl = timestampDate(q.expiresAt).getTime() - start;
    assert.ok(ttl > 55_000 && ttl <= 61_000, `expires ${ttl} ms after the request`);
  });

  it('keeps a quote at its locked rate after the rates change, and a replay returns it unchanged', async () => {
    const requestId = randomUUID();
    const first = await quote('GBP', 'JPY', 10_000n, requestId);
    await h.client.updateRates({ rates: [{ currency: 'GBP', rate: '1.4' }] });
    const read = (await h.client.getQuote({ quoteId: first.quoteId })).quote;
    assert.deepEqual(read, first);
    const replay = await quote('GBP', 'JPY', 10_000n, requestId);
    assert.deepEqual(replay, first);
    const fresh = await quote('GBP', 'JPY', 10_000n);
    assert.equal(fresh.rate, '200', 'a new request prices at the new rate: 1.4 / 0.007');
    assert.equal(fresh.destinationAmount, 20_000n);
  });

  it('gives one quote to 10 concurrent requests with one quote request id', async () => {
    const requestId = randomUUID();
    const all = await Promise.all(Array.from({ length: 10 }, () => quote('EUR', 'CHF', 12_345n, requestId)));
    assert.equal(new Set(all.map((q) => q.quoteId)).size, 1);
    const rows = await h.service.deps.db.select().from(quotes).where(eq(quotes.quoteRequestId, requestId));
    assert.equal(rows.length, 1);
  });

  it('refuses a quote request id reused with other terms: QUOTE_REQUEST_MISMATCH', async () => {
    const requestId = randomUUID();
    const first = await quote('EUR', 'JPY', 1_000n, requestId);
    await assertFails(
      h.client.createQuote({
        quoteRequestId: requestId,
        sourceCurrency: 'EUR',
        destinationCurrency: 'JPY',
        sourceAmount: 1_001n,
      }),
      {
        code: Code.FailedPrecondition,
        reason: 'QUOTE_REQUEST_MISMATCH',
        metadata: { quote_request_id: requestId, quote_id: first.quoteId },
      },
    );
    await assertFails(
      h.client.createQuote({
        quoteRequestId: requestId,
        sourceCurrency: 'EUR',
        destinationCurrency: 'GBP',
        sourceAmount: 1_000n,
      }),
      { code: Code.FailedPrecondition, reason: 'QUOTE_REQUEST_MISMATCH' },
    );
  });

  it('is RATE_UNAVAILABLE naming a currency in use that has no rate', async () => {
    await assertFails(
      h.client.createQuote({
        quoteRequestId: randomUUID(),
        sourceCurrency: 'EUR',
        destinationCurrency: 'MXN',
        sourceAmount: 100n,
      }),
      { code: Code.FailedPrecondition, reason: 'RATE_UNAVAILABLE', metadata: { currency: 'MXN' } },
    );
  });

  it('is AMOUNT_TOO_SMALL when the amount converts to less than one minor unit', async () => {
    await assertFails(
      h.client.createQuote({
        quoteRequestId: randomUUID(),
        sourceCurrency: 'JPY',
        destinationCurrency: 'EUR',
        sourceAmount: 1n,
      }),
      { code: Code.FailedPrecondition, reason: 'AMOUNT_TOO_SMALL' },
    );
  });

  it('refuses bad input naming the field: same currencies, negative amount, unknown code, bad id', async () => {
    const valid = {
      quoteRequestId: randomUUID(),
      sourceCurrency: 'EUR',
      destinationCurrency: 'JPY',
      sourceAmount: 100n,
    };
    await assertFails(h.client.createQuote({ ...valid, destinationCurrency: 'EUR' }), {
      code: Code.InvalidArgument,
      field: 'destination_currency',
    });
    await assertFails(h.client.createQuote({ ...valid, sourceAmount: -100n }), {
      code: Code.InvalidArgument,
      field: 'source_amount',
    });
    await assertFails(h.client.createQuote({ ...valid, sourceCurrency: 'ZZZ' }), {
      code: Code.InvalidArgument,
      field: 'source_currency',
    });
    await assertFails(h.client.createQuote({ ...valid, quoteRequestId: 'not-a-uuid' }), {
      code: Code.InvalidArgument,
      field: 'quote_request_id',
    });
    const rows = await h.service.deps.db
      .select()
      .from(quotes)
      .where(eq(quotes.quoteRequestId, valid.quoteRequestId));
    assert.equal(rows.length, 0, 'a refused request leaves no quote');
  });
});

describe('GetQuote', () => {
  it('is NOT_FOUND (QUOTE_NOT_FOUND) for an unknown quote', async () => {
    const quoteId = randomUUID();
    await assertFails(h.client.getQuote({ quoteId }), {
      code: Code.NotFound,
      reason: 'QUOTE_NOT_FOUND',
      metadata: { quote_id: quoteId },
    });
  });
});
