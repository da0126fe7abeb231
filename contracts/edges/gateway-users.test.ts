/**
 * gateway → users: the key set the gateway verifies access tokens with (GetJwks), read by the
 * gateway's own signing-key-set code against the Pact mock, then replayed against a real users process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MatchersV3 } from '@pact-foundation/pact';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { signingKeySet } from '../../gateway/src/auth/signing-key-set.js';
import {
  CONNECT_REQUEST_HEADERS,
  connectJsonClient,
  consumerPact,
  JSON_RESPONSE_HEADERS,
  pactFile,
  rpcPath,
} from '../support/pact.js';
import { verifyPact } from '../support/provider.js';

const { eachLike, string, regex } = MatchersV3;
const KID = 'k-2026-01';
const X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';

describe('gateway → users (consumer)', () => {
  const pact = consumerPact('gateway', 'users');

  test("the gateway learns users' token-signing keys from GetJwks", async () => {
    await pact
      .addInteraction()
      .given('users signs access tokens with an Ed25519 key')
      .uponReceiving('GetJwks')
      .withRequest('POST', rpcPath(UsersService, 'GetJwks'), (b) =>
        b.headers(CONNECT_REQUEST_HEADERS).jsonBody({}),
      )
      .willRespondWith(200, (b) =>
        b.headers(JSON_RESPONSE_HEADERS).jsonBody({
          keys: eachLike({
            kid: string(KID),
            kty: 'OKP',
            crv: 'Ed25519',
            x: regex(/^[A-Za-z0-9_-]{43}$/, X),
            alg: 'EdDSA',
            use: 'sig',
          }),
        }),
      )
      .executeTest(async (mock) => {
        const users = connectJsonClient(UsersService, mock.url);
        // As gateway.ts wires it: the key set is fetched through the users client.
        const keys = signingKeySet({
          fetchKeys: async () => {
            const { keys } = await users.getJwks({});
            return { keys: keys.map(({ kid, kty, crv, x, alg, use }) => ({ kid, kty, crv, x, alg, use })) };
          },
          refreshMs: 60_000,
          cooldownMs: 60_000,
          logger: createLogger('contracts', 'silent'),
        });
        await keys.start();
        try {
          assert.deepEqual(keys.kids, [KID]);
        } finally {
          keys.stop();
        }
      });
  });
});

describe('gateway → users (provider: a real users process)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({
      services: ['users'],
      // The Pact verifier cannot present a client certificate: the contract is checked in plaintext.
      mtls: false,
    });
  });
  after(() => system?.dispose());

  test('users honours every interaction the gateway expects', async () => {
    await verifyPact({
      provider: 'users',
      providerBaseUrl: system.url('users'),
      pactFile: pactFile('gateway', 'users'),
      // users creates its first signing key when it starts.
      stateHandlers: { 'users signs access tokens with an Ed25519 key': async () => ({}) },
    });
  });
});
