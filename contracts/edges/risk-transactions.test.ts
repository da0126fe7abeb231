/**
 * risk ← transactions (event): TransferCompleted as risk's velocity projection reads it, delivered to
 * risk's real handler on a real risk database; then produced by a real transactions process through
 * its outbox (a transfer carried out end to end) and verified against the pact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MatchersV3, providerWithMetadata, Verifier } from '@pact-foundation/pact';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { TransferCompletedSchema } from '@paymesh/proto/paymesh/transactions/v1/events_pb';
import * as riskSchema from '../../services/risk/src/db/schema.js';
import { transferProjection } from '../../services/risk/src/events/transfer-projection.js';
import { consumerDatabase, deliver, eventMetadata, producedEvent } from '../support/events.js';
import { consumerPact, int64, pactFile, timestamp } from '../support/pact.js';
import { completedTransfer } from '../support/transfer-states.js';

const { uuid, regex } = MatchersV3;
const TRANSFER_ID = '0a1b2c3d-7777-4aaa-8bbb-000000000001';
const SOURCE_ID = '0a1b2c3d-7777-4aaa-8bbb-000000000002';
const DESCRIPTION = 'a TransferCompleted event';
const RISK_MIGRATIONS = fileURLToPath(new URL('../../services/risk/drizzle', import.meta.url));

describe('risk ← transactions TransferCompleted (consumer)', () => {
  const pact = consumerPact('risk', 'transactions');
  let risk: Awaited<ReturnType<typeof consumerDatabase<typeof riskSchema>>>;
  before(async () => {
    risk = await consumerDatabase(riskSchema, RISK_MIGRATIONS);
  });
  after(() => risk?.close());

  test("risk's velocity projection records a completed transfer", async () => {
    await pact
      .addAsynchronousInteraction()
      .given('a transfer of 25.00 EUR completed')
      .expectsToReceive(DESCRIPTION, (b) =>
        b
          .withJSONContent({
            transferId: uuid(TRANSFER_ID),
            sourceAccountId: uuid(SOURCE_ID),
            amount: int64(2500),
            currency: regex(/^[A-Z]{3}$/, 'EUR'),
            completedAt: timestamp(),
          })
          .withMetadata(eventMetadata('transactions', TransferCompletedSchema, TRANSFER_ID)),
      )
      .executeTest(async (message) => {
        await deliver(risk.db, transferProjection(), message);
        const rows = await risk.db.select().from(riskSchema.completedTransfers);
        assert.deepEqual(
          rows.map((r) => [r.transferId, r.sourceAccountId, r.amount, r.currency]),
          [[TRANSFER_ID, SOURCE_ID, 2500n, 'EUR']],
        );
      });
  });
});

describe('risk ← transactions TransferCompleted (provider: a real transactions process and its outbox)', () => {
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({ services: ['accounts', 'risk', 'currency', 'transactions'] });
  });
  after(() => system?.dispose());

  test('transactions emits TransferCompleted as risk expects it', async () => {
    await new Verifier({
      provider: 'transactions',
      pactUrls: [pactFile('risk', 'transactions')],
      logLevel: 'warn',
      stateHandlers: { 'a transfer of 25.00 EUR completed': async () => {} },
      messageProviders: {
        [DESCRIPTION]: async () => {
          const { transferId } = await completedTransfer(system);
          const produced = await producedEvent(
            system.databaseUrl('transactions'),
            TransferCompletedSchema,
            transferId,
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
