/**
 * gateway → transactions: the transfer lookup behind the gateway's ownership check (GetTransfer's two
 * accounts decide whether a customer may see a transfer), against the Pact mock, then replayed
 * against a real transactions process with its upstreams, each on its own Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConnectError } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { ownership } from '../../gateway/src/authorization/ownership.js';
import {
  CONNECT_REQUEST_HEADERS,
  connectJsonClient,
  consumerPact,
  domainErrorBody,
  injected,
  JSON_RESPONSE_HEADERS,
  pactFile,
  rpcPath,
} from '../support/pact.js';
import { verifyPact } from '../support/provider.js';
import { completedTransfer } from '../support/transfer-states.js';

const TRANSFER_ID = 'f6c5b7a9-6666-4eee-8fff-000000000001';
const SOURCE_ID = 'f6c5b7a9-6666-4eee-8fff-000000000002';
const DESTINATION_ID = 'f6c5b7a9-6666-4eee-8fff-000000000003';
const MISSING_ID = '6f1c2a50-0000-4000-8000-000000000009';

describe('gateway → transactions (consumer)', () => {
  const pact = consumerPact('gateway', 'transactions');

  test('GetTransfer names the two accounts the ownership check asks about', async () => {
    await pact
      .addInteraction()
      .given('a completed transfer between two accounts')
      .uponReceiving('GetTransfer of an existing transfer')
      .withRequest('POST', rpcPath(TransactionsService, 'GetTransfer'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({ transferId: injected('transferId', TRANSFER_ID) }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({
          transfer: {
            transferId: injected('transferId', TRANSFER_ID),
            sourceAccountId: injected('sourceAccountId', SOURCE_ID),
            destinationAccountId: injected('destinationAccountId', DESTINATION_ID),
          },
        }),
      )
      .executeTest(async (mock) => {
        const { transfer } = await connectJsonClient(TransactionsService, mock.url).getTransfer({
          transferId: TRANSFER_ID,
        });
        assert.deepEqual(
          [transfer?.sourceAccountId, transfer?.destinationAccountId],
          [SOURCE_ID, DESTINATION_ID],
        );
      });
  });

  test('a missing transfer is answered with transactions’ own TRANSFER_NOT_FOUND', async () => {
    await pact
      .addInteraction()
      .given(`no transfer ${MISSING_ID}`)
      .uponReceiving('GetTransfer of a missing transfer')
      .withRequest('POST', rpcPath(TransactionsService, 'GetTransfer'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({ transferId: MISSING_ID }),
      )
      .willRespondWith(404, (b) =>
        b
          .headers(JSON_RESPONSE_HEADERS)
          .jsonBody(
            domainErrorBody(
              'not_found',
              { reason: 'TRANSFER_NOT_FOUND', domain: 'transactions', metadata: { transfer_id: MISSING_ID } },
              'transfer not found',
            ),
          ),
      )
      .executeTest(async (mock) => {
        const guard = ownership(
          {
            accounts: connectJsonClient(AccountsService, mock.url),
            transactions: connectJsonClient(TransactionsService, mock.url),
          },
          { cacheSize: 10 },
        );
        const refused = await guard
          .ensureOwned('transfer', MISSING_ID, SOURCE_ID)
          .then(() => undefined, ConnectError.from);
        assert.equal(refused && reasonOf(refused), 'TRANSFER_NOT_FOUND');
      });
  });
});

describe('gateway → transactions (provider: a real transactions process and its upstreams)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({
      services: ['accounts', 'risk', 'currency', 'transactions'],
      // The Pact verifier cannot present a client certificate: the contract is checked in plaintext.
      mtls: false,
    });
  });
  after(() => system?.dispose());

  test('transactions honours every interaction the gateway expects', async () => {
    await verifyPact({
      provider: 'transactions',
      providerBaseUrl: system.url('transactions'),
      pactFile: pactFile('gateway', 'transactions'),
      stateHandlers: {
        'a completed transfer between two accounts': async () => ({ ...(await completedTransfer(system)) }),
        [`no transfer ${MISSING_ID}`]: async () => ({}),
      },
    });
  });
});
