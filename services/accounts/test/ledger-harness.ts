/**
 * Component tests' harness: the accounts service started in-process on its own database and event
 * namespace, a real gRPC client of it, and readers of what a user (balances, errors) and a
 * consumer (the outbox's events) would see.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type DescMessage, fromBinary, type MessageShape } from '@bufbuild/protobuf';
import { type Code, ConnectError } from '@connectrpc/connect';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import { errorInfoOf, violationsOf } from '@paymesh/platform/errors/domain-error';
import { createTestServiceEnv, type TestServiceEnv } from '@paymesh/platform/testing/service-env';
import { type Account, AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { asc, eq } from 'drizzle-orm';
import * as schema from '../src/db/schema.js';
import { accounts } from '../src/service.js';

export type AccountsClient = ReturnType<typeof createServiceClient<typeof AccountsService>>;

export interface RunningLedger {
  readonly service: Awaited<ReturnType<typeof accounts.start>>;
  readonly client: AccountsClient;
  readonly db: Awaited<ReturnType<typeof accounts.start>>['deps']['db'];
  stop(): Promise<void>;
}

export async function startLedger(extra: Record<string, string> = {}): Promise<RunningLedger> {
  let testEnv: TestServiceEnv | undefined = await createTestServiceEnv({
    service: 'accounts',
    contexts: ['accounts'],
    extra,
  });
  let service: RunningLedger['service'] | undefined;
  try {
    service = await accounts.start({ source: testEnv.env });
  } catch (err) {
    await testEnv.cleanup();
    throw err;
  }
  const started = service;
  const client = createServiceClient(AccountsService, {
    upstream: 'accounts-test',
    baseUrl: `http://127.0.0.1:${started.rpcPort}`,
    policy: { timeoutMs: 15_000 },
  });
  return {
    service: started,
    client,
    db: started.deps.db,
    async stop() {
      await service?.stop();
      service = undefined;
      await testEnv?.cleanup();
      testEnv = undefined;
    },
  };
}

/** Opens a customer account of a new owner (or `ownerId`), credited with `funds` when given. */
export async function openAccount(
  client: AccountsClient,
  currency: string,
  funds = 0n,
  ownerId: string = randomUUID(),
): Promise<Account> {
  const { account } = await client.openAccount({ requestId: randomUUID(), ownerId, currency });
  assert.ok(account);
  if (funds === 0n) return account;
  const credited = await client.creditAccount({
    creditId: randomUUID(),
    accountId: account.accountId,
    amount: funds,
    currency,
    reference: 'test funds',
  });
  assert.ok(credited.account);
  return credited.account;
}

export async function balancesOf(
  client: AccountsClient,
  accountId: string,
): Promise<{ posted: bigint; held: bigint; available: bigint }> {
  const { account } = await client.getAccount({ accountId });
  assert.ok(account);
  return { posted: account.postedBalance, held: account.heldBalance, available: account.availableBalance };
}

/** Awaits a call that must fail, checks its code (and reason), and returns the error. */
export async function refused(call: Promise<unknown>, code: Code, reason?: string): Promise<ConnectError> {
  const err = await call.then(
    () => assert.fail(`expected the call to fail with ${reason ?? code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConnectError, `not a ConnectError: ${String(err)}`);
  assert.equal(err.code, code, `code of: ${err.message}`);
  if (reason !== undefined) assert.equal(errorInfoOf(err)?.reason, reason, `reason of: ${err.message}`);
  return err;
}

/** The fields an INVALID_ARGUMENT names. */
export function violatedFields(err: ConnectError): string[] {
  return violationsOf(err).map((v) => v.field);
}

/** Events of one type the service appended to its outbox, oldest first. */
export async function outboxEvents<D extends DescMessage>(
  db: RunningLedger['db'],
  desc: D,
): Promise<{ aggregateId: string; event: MessageShape<D> }[]> {
  const rows = await db
    .select({ aggregateId: schema.outbox.aggregateId, payload: schema.outbox.payload })
    .from(schema.outbox)
    .where(eq(schema.outbox.schema, desc.typeName))
    .orderBy(asc(schema.outbox.seq));
  return rows.map((row) => ({ aggregateId: row.aggregateId, event: fromBinary(desc, row.payload) }));
}

/** How many rows each ledger table and the outbox hold. */
export async function rowCounts(db: RunningLedger['db']): Promise<Record<string, number>> {
  const tables = {
    accounts: schema.accounts,
    holds: schema.holds,
    journalEntries: schema.journalEntries,
    postings: schema.postings,
    outbox: schema.outbox,
  };
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) counts[name] = await db.$count(table);
  return counts;
}
