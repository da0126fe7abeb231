/**
 * gateway → accounts: the gateway's ownership check (GetAccount's owner decides whether a customer
 * may see an account), driven through the gateway's own ownership code against the Pact mock, then
 * replayed against a real accounts process on its own Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConnectError } from '@connectrpc/connect';
import { MatchersV3 } from '@pact-foundation/pact';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { ownership } from '../../gateway/src/authorization/ownership.js';
import { accountsStates } from '../support/accounts-states.js';
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

const { uuid } = MatchersV3;
const ACCOUNT_ID = 'e5b4a6f8-5555-4ccc-8ddd-000000000001';
const OWNER_ID = 'e5b4a6f8-5555-4ccc-8ddd-0000000000aa';
const MISSING_ID = '6f1c2a50-0000-4000-8000-000000000001';

const ownershipAt = (url: string) =>
  ownership(
    {
      accounts: connectJsonClient(AccountsService, url),
      transactions: connectJsonClient(TransactionsService, url),
    },
    { cacheSize: 10 },
  );

describe('gateway → accounts (consumer)', () => {
  const pact = consumerPact('gateway', 'accounts');

  test("a customer's own account passes the ownership check", async () => {
    await pact
      .addInteraction()
      .given('an account in EUR owned by a user', { ownerId: OWNER_ID })
      .uponReceiving("GetAccount of a customer's account")
      .withRequest('POST', rpcPath(AccountsService, 'GetAccount'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({ accountId: injected('accountId', ACCOUNT_ID) }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({
          account: { accountId: uuid(ACCOUNT_ID), ownerId: injected('ownerId', OWNER_ID) },
        }),
      )
      .executeTest(async (mock) => {
        await ownershipAt(mock.url).ensureOwned('account', ACCOUNT_ID, OWNER_ID);
      });
  });

  test('a missing account is answered with accounts’ own ACCOUNT_NOT_FOUND', async () => {
    await pact
      .addInteraction()
      .given(`no account ${MISSING_ID}`)
      .uponReceiving('GetAccount of a missing account')
      .withRequest('POST', rpcPath(AccountsService, 'GetAccount'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({ accountId: MISSING_ID }),
      )
      .willRespondWith(404, (b) =>
        b
          .headers(JSON_RESPONSE_HEADERS)
          .jsonBody(
            domainErrorBody(
              'not_found',
              { reason: 'ACCOUNT_NOT_FOUND', domain: 'accounts', metadata: { account_id: MISSING_ID } },
              `account ${MISSING_ID} does not exist`,
            ),
          ),
      )
      .executeTest(async (mock) => {
        const refused = await ownershipAt(mock.url)
          .ensureOwned('account', MISSING_ID, OWNER_ID)
          .then(() => undefined, ConnectError.from);
        assert.equal(refused && reasonOf(refused), 'ACCOUNT_NOT_FOUND');
      });
  });
});

describe('gateway → accounts (provider: a real accounts process)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({
      services: ['accounts'],
      // The Pact verifier cannot present a client certificate: the contract is checked in plaintext.
      mtls: false,
    });
  });
  after(() => system?.dispose());

  test('accounts honours every interaction the gateway expects', async () => {
    await verifyPact({
      provider: 'accounts',
      providerBaseUrl: system.url('accounts'),
      pactFile: pactFile('gateway', 'accounts'),
      stateHandlers: accountsStates(system),
    });
  });
});
