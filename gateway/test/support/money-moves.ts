/** The moves the tests make through the gateway: open an account, fund it (operator), send money. */
import { randomUUID } from 'node:crypto';
import { type Transfer, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import type { Member } from './gateway-clients.js';

export async function openAccount(owner: Member, currency = 'EUR'): Promise<string> {
  const { account } = await owner.accounts.openAccount({
    requestId: randomUUID(),
    ownerId: owner.userId,
    currency,
  });
  if (!account) throw new Error('open answered no account');
  return account.accountId;
}

export async function fund(
  operator: Member,
  accountId: string,
  amount: bigint,
  currency = 'EUR',
): Promise<void> {
  await operator.accounts.creditAccount({
    creditId: randomUUID(),
    accountId,
    amount,
    currency,
    reference: 'test',
  });
}

export async function available(reader: Member, accountId: string): Promise<bigint | undefined> {
  const { account } = await reader.accounts.getAccount({ accountId });
  return account?.availableBalance;
}

export async function send(
  sender: Member,
  from: string,
  to: string,
  amount: bigint,
  idempotencyKey: string = randomUUID(),
): Promise<Transfer> {
  const { transfer } = await sender.transactions.createTransfer({
    idempotencyKey,
    sourceAccountId: from,
    destinationAccountId: to,
    amount,
    currency: 'EUR',
    description: 'gateway test',
  });
  if (!transfer) throw new Error('create answered no transfer');
  return transfer;
}

const terminal = new Set([TransferState.COMPLETED, TransferState.FAILED, TransferState.REJECTED]);

/** The states a watch streams, until it ends. */
export async function watchedStates(
  stream: AsyncIterable<{ transfer?: Transfer }>,
): Promise<TransferState[]> {
  const states: TransferState[] = [];
  for await (const { transfer } of stream) if (transfer) states.push(transfer.state);
  return states;
}

export const isTerminal = (state: TransferState) => terminal.has(state);
