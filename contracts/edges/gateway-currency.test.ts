/**
 * gateway → currency: the public GetRates the gateway forwards as is (forwarding.ts makes the same
 * call through the generated client), against the Pact mock, then replayed against a real currency process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MatchersV3 } from '@pact-foundation/pact';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import {
  CONNECT_REQUEST_HEADERS,
  connectJsonClient,
  consumerPact,
  JSON_RESPONSE_HEADERS,
  pactFile,
  rpcPath,
  timestamp,
} from '../support/pact.js';
import { verifyPact } from '../support/provider.js';

const { eachLike, regex } = MatchersV3;

describe('gateway → currency (consumer)', () => {
  const pact = consumerPact('gateway', 'currency');

  test('GetRates answers the reference currency and each published rate', async () => {
    await pact
      .addInteraction()
      .given('a published EUR rate')
      .uponReceiving('GetRates')
      .withRequest('POST', rpcPath(CurrencyService, 'GetRates'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({}),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({
          referenceCurrency: regex(/^[A-Z]{3}$/, 'USD'),
          rates: eachLike({ currency: regex(/^[A-Z]{3}$/, 'EUR'), rate: regex(/^\d+(\.\d+)?$/, '1.085') }),
          updatedAt: timestamp(),
        }),
      )
      .executeTest(async (mock) => {
        const { referenceCurrency, rates } = await connectJsonClient(CurrencyService, mock.url).getRates({});
        assert.equal(referenceCurrency, 'USD');
        assert.deepEqual(
          rates.map(({ currency, rate }) => ({ currency, rate })),
          [{ currency: 'EUR', rate: '1.085' }],
        );
      });
  });
});

describe('gateway → currency (provider: a real currency process)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({
      services: ['currency'],
      // The Pact verifier cannot present a client certificate: the contract is checked in plaintext.
      mtls: false,
    });
  });
  after(() => system?.dispose());

  test('currency honours every interaction the gateway expects', async () => {
    await verifyPact({
      provider: 'currency',
      providerBaseUrl: system.url('currency'),
      pactFile: pactFile('gateway', 'currency'),
      stateHandlers: {
        'a published EUR rate': async () => {
          await system
            .client('currency', CurrencyService)
            .updateRates({ rates: [{ currency: 'EUR', rate: '1.085' }] });
        },
      },
    });
  });
});
