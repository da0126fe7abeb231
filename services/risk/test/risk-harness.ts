/**
 * The risk service started in-process against real Postgres and NATS, with a client, a bus that
 * publishes the events risk consumes, and reads of its tables to wait on its projections.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import { publishEvent } from '@paymesh/platform/consumer/testing/publish-event';
import { eventNames } from '@paymesh/platform/events/naming';
import { type Bus, connectBus } from '@paymesh/platform/nats/connection';
import { createTestServiceEnv, type TestServiceEnv } from '@paymesh/platform/testing/service-env';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { AccountKind } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { AccountOpenedSchema } from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { TransferCompletedSchema } from '@paymesh/proto/paymesh/transactions/v1/events_pb';
import { count, eq } from 'drizzle-orm';
import { completedTransfers, openedAccounts } from '../src/db/schema.js';
import { risk } from '../src/service.js';

export type RunningRisk = Awaited<ReturnType<typeof risk.start>>;

export interface RiskHarness {
  readonly service: RunningRisk;
  readonly client: ReturnType<typeof createServiceClient<typeof RiskService>>;
  readonly testEnv: TestServiceEnv;
  readonly bus: Bus;
  stop(): Promise<void>;
}

export async function startRisk(extra: Record<string, string> = {}): Promise<RiskHarness> {
  const testEnv = await createTestServiceEnv({
    service: 'risk',
    contexts: ['risk', 'accounts', 'transactions'],
    extra,
  });
  const service = await risk.start({ source: testEnv.env });
  const bus = await connectBus(testEnv.natsUrl, 'risk-test-publisher');
  const client = createServiceClient(RiskService, {
    upstream: 'risk-test',
    baseUrl: `http://127.0.0.1:${service.rpcPort}`,
  });
  return {
    service,
    client,
    testEnv,
    bus,
    async stop() {
      await bus.close();
      await service.stop();
      await testEnv.cleanup();
    },
  };
}

/** A TransferCompleted as transactions would publish it; returns the event's facts. */
export async function publishTransferCompleted(
  h: RiskHarness,
  transfer: {
    sourceAccountId: string;
    amount: bigint;
    currency?: string;
    completedAt?: Date;
    transferId?: string;
  },
  options: { eventId?: string; msgId?: string } = {},
) {
  const transferId = transfer.transferId ?? randomUUID();
  const currency = transfer.currency ?? 'EUR';
  const event = create(TransferCompletedSchema, {
    transferId,
    sourceAccountId: transfer.sourceAccountId,
    destinationAccountId: randomUUID(),
    amount: transfer.amount,
    currency,
    destinationAmount: transfer.amount,
    destinationCurrency: currency,
    completedAt: timestampFromDate(transfer.completedAt ?? new Date()),
  });
  return publishEvent(h.bus.streams, h.testEnv.namespace, 'transactions', TransferCompletedSchema, event, {
    aggregateId: transferId,
    ...options,
  });
}

/** An AccountOpened as accounts would publish it. */
export async function publishAccountOpened(h: RiskHarness, accountId: string, openedAt: Date) {
  const event = create(AccountOpenedSchema, {
    accountId,
    ownerId: randomUUID(),
    currency: 'EUR',
    kind: AccountKind.CUSTOMER,
    openedAt: timestampFromDate(openedAt),
  });
  return publishEvent(h.bus.streams, h.testEnv.namespace, 'accounts', AccountOpenedSchema, event, {
    aggregateId: accountId,
  });
}

/** How many completed transfers of the account risk's projection holds. */
export async function projectedTransfers(h: RiskHarness, sourceAccountId: string): Promise<number> {
  const [row] = await h.service.deps.db
    .select({ n: count() })
    .from(completedTransfers)
    .where(eq(completedTransfers.sourceAccountId, sourceAccountId));
  return row?.n ?? 0;
}

export async function waitForProjectedTransfers(h: RiskHarness, sourceAccountId: string, n: number) {
  await waitFor(`${n} completed transfers of ${sourceAccountId} projected`, async () => {
    return (await projectedTransfers(h, sourceAccountId)) >= n;
  });
}

/** Publishes an AccountOpened and waits until risk's projection has it. */
export async function openAccount(
  h: RiskHarness,
  openedAt: Date,
  accountId: string = randomUUID(),
): Promise<string> {
  await publishAccountOpened(h, accountId, openedAt);
  await waitFor(`account ${accountId} projected`, async () => {
    const rows = await h.service.deps.db
      .select()
      .from(openedAccounts)
      .where(eq(openedAccounts.accountId, accountId));
    return rows.length === 1;
  });
  return accountId;
}

/** Waits until the broker has the consumer's ack for every message up to stream sequence `seq`. */
export async function waitForAcked(h: RiskHarness, context: string, consumer: string, seq: number) {
  const jsm = await h.bus.jsm();
  const stream = eventNames(h.testEnv.namespace).stream(context);
  await waitFor(`${consumer} acked up to ${seq}`, async () => {
    const info = await jsm.consumers.info(stream, consumer);
    return info.ack_floor.stream_seq >= seq;
  });
}

export const DAY_MS = 86_400_000;
