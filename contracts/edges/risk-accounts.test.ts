/**
 * risk ← accounts (event): AccountOpened as risk's account-age projection reads it, delivered to
 * risk's real handler on a real risk database; then produced by a real accounts process through its
 * outbox (OpenAccount) and verified against the pact.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MatchersV3, providerWithMetadata, Verifier } from '@pact-foundation/pact';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { AccountOpenedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import * as riskSchema from '../../services/risk/src/db/schema.js';
import { accountProjection } from '../../services/risk/src/events/account-projection.js';
import { consumerDatabase, deliver, eventMetadata, producedEvent } from '../support/events.js';
import { consumerPact, pactFile, timestamp } from '../support/pact.js';

const { uuid } = MatchersV3;
const ACCOUNT_ID = '1b2c3d4e-8888-4ccc-8ddd-000000000001';
const OPENED_AT = '2026-01-01T00:00:00.000Z';
const DESCRIPTION = 'an AccountOpened event';
const RISK_MIGRATIONS = fileURLToPath(new URL('../../services/risk/drizzle', import.meta.url));

describe('risk ← accounts AccountOpened (consumer)', () => {
  const pact = consumerPact('risk', 'accounts');
  let risk: Awaited<ReturnType<typeof consumerDatabase<typeof riskSchema>>>;
  before(async () => {
    risk = await consumerDatabase(riskSchema, RISK_MIGRATIONS);
  });
  after(() => risk?.close());

  test("risk's account-age projection records when an account was opened", async () => {
    await pact
      .addAsynchronousInteraction()
      .given('an account was opened')
      .expectsToReceive(DESCRIPTION, (b) =>
        b
          .withJSONContent({ accountId: uuid(ACCOUNT_ID), openedAt: timestamp(OPENED_AT) })
          .withMetadata(eventMetadata('accounts', AccountOpenedSchema, ACCOUNT_ID)),
      )
      .executeTest(async (message) => {
        await deliver(risk.db, accountProjection(), message);
        const rows = await risk.db.select().from(riskSchema.openedAccounts);
        assert.deepEqual(
          rows.map((r) => [r.accountId, r.openedAt.toISOString()]),
          [[ACCOUNT_ID, OPENED_AT]],
        );
      });
  });
});

describe('risk ← accounts AccountOpened (provider: a real accounts process and its outbox)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({ services: ['accounts'] });
  });
  after(() => system?.dispose());

  test('accounts emits AccountOpened as risk expects it', async () => {
    await new Verifier({
      provider: 'accounts',
      pactUrls: [pactFile('risk', 'accounts')],
      logLevel: 'warn',
      stateHandlers: { 'an account was opened': async () => {} },
      messageProviders: {
        [DESCRIPTION]: async () => {
          const { account } = await system
            .client('accounts', AccountsService)
            .openAccount({ requestId: randomUUID(), ownerId: randomUUID(), currency: 'EUR' });
          const accountId = account?.accountId ?? '';
          const produced = await producedEvent(
            system.databaseUrl('accounts'),
            AccountOpenedSchema,
            accountId,
          );
          return providerWithMetadata(
            () => produced.content,
            produced.metadata,
          )({ description: DESCRIPTION });
        },
      },
    }).verifyProvider();
  });
});
