/** Transfers made the way a customer makes one: two accounts through accounts, CreateTransfer through transactions. */
import { randomUUID } from 'node:crypto';
import type { RunningSystem } from '@paymesh/platform/testing/system';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { TransactionsService, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';

export interface MadeTransfer {
  transferId: string;
  sourceAccountId: string;
  destinationAccountId: string;
}

/** A completed EUR transfer of `amount` between two fresh EUR accounts (the source funded with 100.00 EUR). */
export async function completedTransfer(system: RunningSystem, amount = 2_500n): Promise<MadeTransfer> {
  const accounts = system.client('accounts', AccountsService);
  const open = async () => {
    const { account } = await accounts.openAccount({
      requestId: randomUUID(),
      ownerId: randomUUID(),
      currency: 'EUR',
    });
    if (!account) throw new Error('OpenAccount answered no account');
    return account.accountId;
  };
  const sourceAccountId = await open();
  const destinationAccountId = await open();
  await accounts.creditAccount({
    creditId: randomUUID(),
    accountId: sourceAccountId,
    amount: 10_000n,
    currency: 'EUR',
  });
  const transactions = system.client('transactions', TransactionsService);
  const { transfer } = await transactions.createTransfer({
    idempotencyKey: randomUUID(),
    sourceAccountId,
    destinationAccountId,
    amount,
    currency: 'EUR',
  });
  if (!transfer) throw new Error('CreateTransfer answered no transfer');
  const { transferId } = transfer;
  await waitFor(`transfer ${transferId} to complete`, async () => {
    const { transfer: now } = await transactions.getTransfer({ transferId });
    return now?.state === TransferState.COMPLETED;
  });
  return { transferId, sourceAccountId, destinationAccountId };
}
