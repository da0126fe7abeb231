/**
 * transactions → risk: the saga's first step, AssessTransfer, written by transactions' client code
 * against the Pact mock, then replayed against a real risk process on its own Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MatchersV3 } from '@pact-foundation/pact';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { Outcome, RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import {
  CONNECT_REQUEST_HEADERS,
  connectJsonClient,
  consumerPact,
  int64,
  JSON_RESPONSE_HEADERS,
  pactFile,
  rpcPath,
} from '../support/pact.js';
import { verifyPact } from '../support/provider.js';

const { uuid, regex } = MatchersV3;
const TRANSFER_ID = 'c3f2e4d6-3333-4eee-8fff-000000000001';
const SOURCE_ID = 'c3f2e4d6-3333-4eee-8fff-000000000002';
const DESTINATION_ID = 'c3f2e4d6-3333-4eee-8fff-000000000003';

describe('transactions → risk (consumer)', () => {
  const pact = consumerPact('transactions', 'risk');

  test('AssessTransfer answers a decision whose outcome the saga acts on', async () => {
    await pact
      .addInteraction()
      .given('a transfer risk has not assessed yet')
      .uponReceiving('AssessTransfer of a new transfer')
      .withRequest('POST', rpcPath(RiskService, 'AssessTransfer'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({
          transferId: uuid(TRANSFER_ID),
          sourceAccountId: uuid(SOURCE_ID),
          destinationAccountId: uuid(DESTINATION_ID),
          amount: int64(2500),
          currency: 'EUR',
        }),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({
          decision: {
            transferId: uuid(TRANSFER_ID),
            outcome: regex(/^OUTCOME_(APPROVE|REVIEW|DENY)$/, 'OUTCOME_APPROVE'),
          },
        }),
      )
      .executeTest(async (mock) => {
        const risk = connectJsonClient(RiskService, mock.url);
        const { decision } = await risk.assessTransfer({
          transferId: TRANSFER_ID,
          sourceAccountId: SOURCE_ID,
          destinationAccountId: DESTINATION_ID,
          amount: 2500n,
          currency: 'EUR',
        });
        assert.equal(decision?.outcome, Outcome.APPROVE);
      });
  });
});

describe('transactions → risk (provider: a real risk process)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({
      services: ['risk'],
      // The Pact verifier cannot present a client certificate: the contract is checked in plaintext.
      mtls: false,
    });
  });
  after(() => system?.dispose());

  test('risk honours every interaction transactions expects', async () => {
    await verifyPact({
      provider: 'risk',
      providerBaseUrl: system.url('risk'),
      pactFile: pactFile('transactions', 'risk'),
      // A fresh risk database has assessed nothing.
      stateHandlers: { 'a transfer risk has not assessed yet': async () => ({}) },
    });
  });
});
