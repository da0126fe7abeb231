/**
 * transactions → currency: the quote of a cross-currency transfer (CreateQuote) and its use (Convert),
 * written by transactions' client code against the Pact mock, then replayed against a real currency
 * process on its own Postgres.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MatchersV3 } from '@pact-foundation/pact';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import {
  CONNECT_REQUEST_HEADERS,
  connectJsonClient,
  consumerPact,
  injected,
  int64,
  JSON_RESPONSE_HEADERS,
  pactFile,
  rpcPath,
} from '../support/pact.js';
import { verifyPact } from '../support/provider.js';

const { uuid, regex } = MatchersV3;
const TRANSFER_ID = 'd4a3f5e7-4444-4aaa-8bbb-000000000001';
const QUOTE_ID = 'd4a3f5e7-4444-4aaa-8bbb-000000000002';
const DECIMAL = /^\d+(\.\d+)?$/;

describe('transactions → currency (consumer)', () => {
  const pact = consumerPact('transactions', 'currency');

  test('CreateQuote prices a EUR → USD transfer', async () => {
    await pact
      .addInteraction()
      .given('a published EUR rate')
      .uponReceiving('CreateQuote of EUR to USD')
      .withRequest('POST', rpcPath(CurrencyService, 'CreateQuote'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({
          quoteRequestId: uuid(TRANSFER_ID),
          sourceCurrency: 'EUR',
          destinationCurrency: 'USD',
          sourceAmount: int64(2500),
        }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({
          quote: { quoteId: uuid(QUOTE_ID), rate: regex(DECIMAL, '1.085'), destinationAmount: int64(2712) },
        }),
      )
      .executeTest(async (mock) => {
        const currency = connectJsonClient(CurrencyService, mock.url);
        const { quote } = await currency.createQuote({
          quoteRequestId: TRANSFER_ID,
          sourceCurrency: 'EUR',
          destinationCurrency: 'USD',
          sourceAmount: 2500n,
        });
        assert.equal(quote?.quoteId, QUOTE_ID);
        assert.equal(quote?.destinationAmount, 2712n);
      });
  });

  test('Convert uses a quote for a transfer and answers the converted amount', async () => {
    await pact
      .addInteraction()
      .given('an unused quote of 25.00 EUR to USD')
      .uponReceiving('Convert of an unused quote')
      .withRequest('POST', rpcPath(CurrencyService, 'Convert'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({
          quoteId: injected('quoteId', QUOTE_ID),
          transferId: uuid(TRANSFER_ID),
        }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({ quote: { destinationAmount: int64(2712) } }),
      )
      .executeTest(async (mock) => {
        const currency = connectJsonClient(CurrencyService, mock.url);
        const { quote } = await currency.convert({ quoteId: QUOTE_ID, transferId: TRANSFER_ID });
        assert.equal(quote?.destinationAmount, 2712n);
      });
  });
});

describe('transactions → currency (provider: a real currency process)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({
      services: ['currency'],
      // The Pact verifier cannot present a client certificate: the contract is checked in plaintext.
      mtls: false,
    });
  });
  after(() => system?.dispose());

  test('currency honours every interaction transactions expects', async () => {
    const currency = () => system.client('currency', CurrencyService);
    const publishEur = () => currency().updateRates({ rates: [{ currency: 'EUR', rate: '1.085' }] });
    await verifyPact({
      provider: 'currency',
      providerBaseUrl: system.url('currency'),
      pactFile: pactFile('transactions', 'currency'),
      stateHandlers: {
        'a published EUR rate': async () => {
          await publishEur();
        },
        'an unused quote of 25.00 EUR to USD': async () => {
          await publishEur();
          const { quote } = await currency().createQuote({
            quoteRequestId: randomUUID(),
            sourceCurrency: 'EUR',
            destinationCurrency: 'USD',
            sourceAmount: 2500n,
          });
          return { quoteId: quote?.quoteId ?? '' };
        },
      },
    });
  });
});
