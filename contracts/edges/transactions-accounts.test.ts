/**
 * transactions → accounts: what the transfer saga asks of the ledger (GetAccount for the destination's
 * currency, HoldFunds, CaptureHold, ReleaseHold), written by transactions' client code against the
 * Pact mock, then replayed against a real accounts process on its own Postgres. Last, proof the gate
 * bites: a scratch copy of the pact expecting a renamed field the saga reads fails verification.
 * (The binary wire's guard, `buf breaking` on a changed field number, is scripts/contracts.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MatchersV3 } from '@pact-foundation/pact';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { AccountCurrencies } from '../../services/transactions/src/app/account-currencies.js';
import { classifyUpstreamFailure } from '../../services/transactions/src/domain/upstream-failure.js';
import { accountsStates } from '../support/accounts-states.js';
import {
  CONNECT_REQUEST_HEADERS,
  connectJsonClient,
  consumerPact,
  domainErrorBody,
  injected,
  int64,
  JSON_RESPONSE_HEADERS,
  pactFile,
  rpcPath,
} from '../support/pact.js';
import { verifyPact } from '../support/provider.js';

const { uuid } = MatchersV3;
const ACCOUNT_ID = 'a1f0c2d4-1111-4aaa-8bbb-000000000001';
const DESTINATION_ID = 'a1f0c2d4-1111-4aaa-8bbb-000000000002';
const TRANSFER_ID = 'b2e1d3c5-2222-4ccc-8ddd-000000000001';
const MISSING_ID = '6f1c2a50-0000-4000-8000-000000000001';

const accountId = () => injected('accountId', ACCOUNT_ID);

/** What the saga does when a step fails for good or for now: the consumer's own reading of an error. */
async function failureOf(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    return classifyUpstreamFailure(err);
  }
  assert.fail('the call succeeded');
}

describe('transactions → accounts (consumer)', () => {
  const pact = consumerPact('transactions', 'accounts');

  test('the saga learns the destination currency from GetAccount', async () => {
    await pact
      .addInteraction()
      .given('an account in EUR owned by a user')
      .uponReceiving('GetAccount of an existing account')
      .withRequest('POST', rpcPath(AccountsService, 'GetAccount'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({ accountId: accountId() }),
      )
      .willRespondWith(200, (b) =>
        b
          .headers(JSON_RESPONSE_HEADERS)
          .jsonBody({ account: { accountId: uuid(ACCOUNT_ID), currency: 'EUR' } }),
      )
      .executeTest(async (mock) => {
        const currencies = new AccountCurrencies(connectJsonClient(AccountsService, mock.url));
        assert.equal(await currencies.of(ACCOUNT_ID), 'EUR');
      });
  });

  test('a missing destination is a definitive ACCOUNT_NOT_FOUND', async () => {
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
        const currencies = new AccountCurrencies(connectJsonClient(AccountsService, mock.url));
        const failure = await failureOf(() => currencies.of(MISSING_ID));
        assert.deepEqual(failure.kind === 'definitive' && failure.reason, 'ACCOUNT_NOT_FOUND');
      });
  });

  test('HoldFunds reserves the amount on an account with enough available', async () => {
    await pact
      .addInteraction()
      .given('an account with 100.00 EUR available')
      .uponReceiving('HoldFunds within the available balance')
      .withRequest('POST', rpcPath(AccountsService, 'HoldFunds'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({
          transferId: uuid(TRANSFER_ID),
          accountId: accountId(),
          amount: int64(2500),
          currency: 'EUR',
        }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({
          hold: { transferId: uuid(TRANSFER_ID), amount: int64(2500), status: 'HOLD_STATUS_HELD' },
        }),
      )
      .executeTest(async (mock) => {
        const accounts = connectJsonClient(AccountsService, mock.url);
        const { hold } = await accounts.holdFunds({
          transferId: TRANSFER_ID,
          accountId: ACCOUNT_ID,
          amount: 2500n,
          currency: 'EUR',
        });
        assert.equal(hold?.amount, 2500n);
      });
  });

  test('HoldFunds beyond the available balance fails for good with INSUFFICIENT_FUNDS', async () => {
    await pact
      .addInteraction()
      .given('an account with 10.00 EUR available')
      .uponReceiving('HoldFunds beyond the available balance')
      .withRequest('POST', rpcPath(AccountsService, 'HoldFunds'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({
          transferId: uuid(TRANSFER_ID),
          accountId: accountId(),
          amount: int64(2500),
          currency: 'EUR',
        }),
      )
      .willRespondWith(400, (b) =>
        b
          .headers(JSON_RESPONSE_HEADERS)
          .jsonBody(
            domainErrorBody(
              'failed_precondition',
              { reason: 'INSUFFICIENT_FUNDS', domain: 'accounts' },
              'insufficient funds',
            ),
          ),
      )
      .executeTest(async (mock) => {
        const accounts = connectJsonClient(AccountsService, mock.url);
        const failure = await failureOf(() =>
          accounts.holdFunds({
            transferId: TRANSFER_ID,
            accountId: ACCOUNT_ID,
            amount: 2500n,
            currency: 'EUR',
          }),
        );
        assert.deepEqual(failure.kind === 'definitive' && failure.reason, 'INSUFFICIENT_FUNDS');
      });
  });

  test('CaptureHold posts a held transfer to the destination', async () => {
    await pact
      .addInteraction()
      .given('a transfer holding 25.00 EUR and a EUR destination account')
      .uponReceiving('CaptureHold of a held transfer')
      .withRequest('POST', rpcPath(AccountsService, 'CaptureHold'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({
          transferId: injected('transferId', TRANSFER_ID),
          destinationAccountId: injected('destinationAccountId', DESTINATION_ID),
          destinationAmount: int64(2500),
          destinationCurrency: 'EUR',
        }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({ hold: { status: 'HOLD_STATUS_CAPTURED' } }),
      )
      .executeTest(async (mock) => {
        const accounts = connectJsonClient(AccountsService, mock.url);
        await accounts.captureHold({
          transferId: TRANSFER_ID,
          destinationAccountId: DESTINATION_ID,
          destinationAmount: 2500n,
          destinationCurrency: 'EUR',
        });
      });
  });

  test('ReleaseHold gives a held transfer back', async () => {
    await pact
      .addInteraction()
      .given('a transfer holding 25.00 EUR')
      .uponReceiving('ReleaseHold of a held transfer')
      .withRequest('POST', rpcPath(AccountsService, 'ReleaseHold'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({
          transferId: injected('transferId', TRANSFER_ID),
          reason: MatchersV3.string('insufficient_funds'),
        }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({ hold: { status: 'HOLD_STATUS_RELEASED' } }),
      )
      .executeTest(async (mock) => {
        const accounts = connectJsonClient(AccountsService, mock.url);
        await accounts.releaseHold({ transferId: TRANSFER_ID, reason: 'insufficient_funds' });
      });
  });
});

interface PactJson {
  interactions: {
    description: string;
    response: { body: { content: { account: Record<string, unknown> } } };
  }[];
}

describe('transactions → accounts (provider: a real accounts process)', () => {
  let system: RunningSystem;
  const scratch = mkdtempSync(join(tmpdir(), 'pact-renamed-'));
  before(async () => {
    system = await startSystem({
      services: ['accounts'],
      // The Pact verifier cannot present a client certificate: the contract is checked in plaintext.
      mtls: false,
    });
  });
  after(async () => {
    await system?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('accounts honours every interaction transactions expects', async () => {
    await verifyPact({
      provider: 'accounts',
      providerBaseUrl: system.url('accounts'),
      pactFile: pactFile('transactions', 'accounts'),
      stateHandlers: accountsStates(system),
    });
  });

  test('a consumer expecting a renamed account field (currency → currencyCode) fails verification', async () => {
    const pact = JSON.parse(readFileSync(pactFile('transactions', 'accounts'), 'utf8')) as PactJson;
    const interaction = pact.interactions.find((i) => i.description === 'GetAccount of an existing account');
    assert.ok(interaction, 'the committed pact has the GetAccount interaction');
    const account = interaction.response.body.content.account;
    account.currencyCode = account.currency;
    delete account.currency;
    pact.interactions = [interaction];
    const renamed = join(scratch, 'transactions-accounts.json');
    writeFileSync(renamed, JSON.stringify(pact));

    await assert.rejects(
      verifyPact({
        provider: 'accounts',
        providerBaseUrl: system.url('accounts'),
        pactFile: renamed,
        stateHandlers: accountsStates(system),
      }),
      (err: Error) => {
        // The verifier names the interaction, the path and the missing field.
        assert.match(err.message, /GetAccount of an existing account/);
        assert.match(err.message, /"path":"\$\.account"/);
        assert.match(err.message, /Actual map is missing the following keys: currencyCode/);
        return true;
      },
    );
  });
});
