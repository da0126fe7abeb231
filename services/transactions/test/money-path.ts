/**
 * What the money-path tests share: a system of the five services as real processes, and the moves a
 * customer or an operator makes through it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import {
  TransactionsService,
  type Transfer,
  TransferState,
} from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import pg from 'pg';

const terminal = new Set([TransferState.COMPLETED, TransferState.FAILED, TransferState.REJECTED]);

export const moneyPathServices = ['users', 'accounts', 'risk', 'currency', 'transactions'] as const;

export function moves(system: RunningSystem) {
  // Not every system runs users: its client is made on first use.
  const users = () => system.client('users', UsersService);
  const accounts = system.client('accounts', AccountsService);
  const transactions = system.client('transactions', TransactionsService);

  return {
    accounts,
    transactions,
    async register(name: string): Promise<string> {
      const { user } = await users().register({
        email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
        password: 'correct horse battery staple',
        displayName: name,
      });
      if (!user) throw new Error('register answered no user');
      return user.userId;
    },
    async open(ownerId: string, currency: string): Promise<string> {
      const { account } = await accounts.openAccount({ requestId: randomUUID(), ownerId, currency });
      if (!account) throw new Error('open answered no account');
      return account.accountId;
    },
    async fund(accountId: string, amount: bigint, currency: string): Promise<void> {
      await accounts.creditAccount({
        creditId: randomUUID(),
        accountId,
        amount,
        currency,
        reference: 'test funding',
      });
    },
    async available(accountId: string): Promise<bigint> {
      const { account } = await accounts.getAccount({ accountId });
      return account?.availableBalance ?? -1n;
    },
    async posted(accountId: string): Promise<bigint> {
      const { account } = await accounts.getAccount({ accountId });
      return account?.postedBalance ?? -1n;
    },
    /** The transfer once terminal (polling GetTransfer, up to 60 s). */
    async settled(transferId: string): Promise<Transfer> {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { transfer } = await transactions.getTransfer({ transferId });
        if (!transfer) throw new Error(`no transfer ${transferId}`);
        if (terminal.has(transfer.state) || Date.now() > deadline) return transfer;
        await sleep(100);
      }
    },
    async transfer(
      from: string,
      to: string,
      amount: bigint,
      currency: string,
      idempotencyKey: string = randomUUID(),
    ): Promise<Transfer> {
      const { transfer } = await transactions.createTransfer({
        idempotencyKey,
        sourceAccountId: from,
        destinationAccountId: to,
        amount,
        currency,
        description: 'test transfer',
      });
      if (!transfer) throw new Error('create answered no transfer');
      return transfer;
    },
  };
}

/** Runs one query on a service's own database (the tests' oracle, never the services' path). */
export async function queryService<R extends pg.QueryResultRow>(
  system: RunningSystem,
  service: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: system.databaseUrl(service) });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Per currency, the sum of every account's posted balance, system accounts included: must be 0. */
export async function ledgerSums(system: RunningSystem): Promise<Map<string, bigint>> {
  const rows = await queryService<{ currency: string; total: string }>(
    system,
    'accounts',
    'select currency, sum(posted_balance)::text as total from accounts group by currency',
  );
  return new Map(rows.map((r) => [r.currency, BigInt(r.total)]));
}
