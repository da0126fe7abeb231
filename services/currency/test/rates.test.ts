/** GetRates and UpdateRates against real Postgres: seeds, upserts, the reference rate, RatesUpdated via the outbox. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { RatesUpdatedSchema } from '@paymesh/proto/paymesh/currency/v1/events_pb';
import { assertFails, type CurrencyHarness, startCurrency } from './currency-harness.js';

let h: CurrencyHarness;

before(async () => {
  h = await startCurrency();
});

after(async () => {
  await h?.stop();
});

const rateOf = (rates: { currency: string; rate: string }[], currency: string) =>
  rates.find((r) => r.currency === currency)?.rate;

describe('GetRates', () => {
  it('lists the seeded rates against USD, USD itself at 1', async () => {
    const res = await h.client.getRates({});
    assert.equal(res.referenceCurrency, 'USD');
    const currencies = res.rates.map((r) => r.currency);
    for (const c of [
      'USD',
      'EUR',
      'GBP',
      'JPY',
      'CHF',
      'CAD',
      'AUD',
      'SEK',
      'NOK',
      'DKK',
      'PLN',
      'CZK',
      'SGD',
      'HKD',
      'KWD',
    ]) {
      assert.ok(currencies.includes(c), `${c} is seeded`);
    }
    assert.deepEqual(currencies, [...currencies].sort(), 'listed by currency code');
    assert.equal(rateOf(res.rates, 'USD'), '1');
    assert.equal(rateOf(res.rates, 'EUR'), '1.085');
    assert.equal(rateOf(res.rates, 'JPY'), '0.0067');
    assert.ok(res.updatedAt, 'says when the rates last changed');
  });
});

describe('UpdateRates', () => {
  it('changes EUR, returns every rate and emits one RatesUpdated with the rate as set', async () => {
    const before = await h.client.getRates({});
    const res = await h.client.updateRates({ rates: [{ currency: 'EUR', rate: '1.0920' }] });
    assert.equal(res.referenceCurrency, 'USD');
    assert.equal(rateOf(res.rates, 'EUR'), '1.092');
    assert.equal(res.rates.length, before.rates.length, 'every rate, not only the changed one');
    assert.equal(rateOf(res.rates, 'GBP'), rateOf(before.rates, 'GBP'), 'other currencies keep theirs');

    const after = await h.client.getRates({});
    assert.equal(rateOf(after.rates, 'EUR'), '1.092');
    const events = await h.events(RatesUpdatedSchema);
    assert.equal(events.length, 1);
    const [event] = events;
    assert.equal(event?.aggregateId, 'rates');
    assert.equal(event?.message.referenceCurrency, 'USD');
    assert.deepEqual(
      event?.message.rates.map((r) => [r.currency, r.rate]),
      [['EUR', '1.092']],
    );
    assert.ok(event?.message.updatedAt && after.updatedAt);
    assert.equal(timestampDate(event.message.updatedAt).getTime(), timestampDate(after.updatedAt).getTime());
  });

  it('setting a rate to the value it has changes nothing and emits nothing', async () => {
    const count = (await h.events(RatesUpdatedSchema)).length;
    await h.client.updateRates({ rates: [{ currency: 'EUR', rate: '1.092000' }] });
    assert.equal((await h.events(RatesUpdatedSchema)).length, count);
  });

  it('adds a currency it did not know and lists only the changed rates in the event', async () => {
    await h.client.updateRates({
      rates: [
        { currency: 'THB', rate: '0.0275' },
        { currency: 'EUR', rate: '1.092' },
        { currency: 'GBP', rate: '1.27' },
      ],
    });
    const rates = (await h.client.getRates({})).rates;
    assert.equal(rateOf(rates, 'THB'), '0.0275');
    const last = (await h.events(RatesUpdatedSchema)).at(-1);
    assert.deepEqual(
      last?.message.rates.map((r) => [r.currency, r.rate]),
      [
        ['GBP', '1.27'],
        ['THB', '0.0275'],
      ],
    );
  });

  it('refuses a USD rate other than 1 on rates[i].rate, and accepts 1 written as 1.000', async () => {
    await assertFails(
      h.client.updateRates({
        rates: [
          { currency: 'EUR', rate: '1.5' },
          { currency: 'USD', rate: '1.01' },
        ],
      }),
      { code: Code.InvalidArgument, field: 'rates[1].rate' },
    );
    assert.equal(
      rateOf((await h.client.getRates({})).rates, 'EUR'),
      '1.092',
      'nothing of a refused update is set',
    );
    const res = await h.client.updateRates({ rates: [{ currency: 'USD', rate: '1.000' }] });
    assert.equal(rateOf(res.rates, 'USD'), '1');
  });

  it('refuses a zero rate, a duplicate currency, a malformed rate and an unknown code, naming the field', async () => {
    await assertFails(h.client.updateRates({ rates: [{ currency: 'EUR', rate: '0.000' }] }), {
      code: Code.InvalidArgument,
      field: 'rates[0].rate',
    });
    await assertFails(
      h.client.updateRates({
        rates: [
          { currency: 'EUR', rate: '1.1' },
          { currency: 'EUR', rate: '1.2' },
        ],
      }),
      { code: Code.InvalidArgument, field: 'rates[1].currency' },
    );
    await assertFails(h.client.updateRates({ rates: [{ currency: 'EUR', rate: '1.2.3' }] }), {
      code: Code.InvalidArgument,
      field: 'rates[0].rate',
    });
    await assertFails(h.client.updateRates({ rates: [{ currency: 'ZZZ', rate: '1.2' }] }), {
      code: Code.InvalidArgument,
      field: 'rates[0].currency',
    });
    await assertFails(h.client.updateRates({ rates: [] }), { code: Code.InvalidArgument, field: 'rates' });
  });
});
