/**
 * The customers of a load through the gateway, made as the outside world makes them: each registers
 * and logs in through the gateway's public API, opens its accounts there, and an operator (signed in
 * the same way) funds them; and the transfer a customer makes there, watched until it is terminal.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';
import { type Member, signUp } from '@paymesh/gateway/testing/clients';
import { type Transfer, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import type { TransferDriver, TransferEnd, TransferOutcome } from './load-phases.js';

/** Connect JSON over HTTP/1.1 as the browser app speaks it, or gRPC over HTTP/2. */
export type GatewayProtocol = 'connect-json' | 'grpc';

export interface Customer {
  userId: string;
  accounts: string[];
  transactions: Member['transactions'];
}

const CURRENCY = 'EUR';
/** Sign-ups in flight together (each costs a scrypt hash in users). */
const SIGN_UP_CONCURRENCY = 4;
const CALL_TIMEOUT_MS = 10_000;
/** A client retries these with the same idempotency key, as the app does. */
const RETRYABLE = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted]);
const ATTEMPTS = 3;

const TERMINAL: Partial<Record<TransferState, TransferEnd>> = {
  [TransferState.COMPLETED]: 'COMPLETED',
  [TransferState.FAILED]: 'FAILED',
  [TransferState.REJECTED]: 'REJECTED',
};

/**
 * `count` customers with `accountsEach` EUR accounts each, every account credited `amount` minor
 * units by the operator `operatorEmail` (which users must treat as one: OPERATOR_EMAILS).
 */
export async function seedCustomers(
  baseUrl: string,
  options: {
    protocol: GatewayProtocol;
    count: number;
    accountsEach: number;
    amount: bigint;
    operatorEmail: string;
  },
): Promise<Customer[]> {
  const { protocol } = options;
  const operator = await signUp(baseUrl, 'operator', options.operatorEmail, protocol);
  const customers: Customer[] = [];
  let next = 0;
  const seedOne = async (): Promise<void> => {
    for (let i = next++; i < options.count; i = next++) {
      const customer = await signUp(baseUrl, `bench-${i}`, undefined, protocol);
      const ids: string[] = [];
      for (let a = 0; a < options.accountsEach; a++) {
        const { account } = await customer.accounts.openAccount({
          requestId: randomUUID(),
          ownerId: customer.userId,
          currency: CURRENCY,
        });
        if (!account) throw new Error('OpenAccount answered no account');
        await operator.accounts.creditAccount({
          creditId: randomUUID(),
          accountId: account.accountId,
          amount: options.amount,
          currency: CURRENCY,
          reference: 'bench funding',
        });
        ids.push(account.accountId);
      }
      customers.push({ userId: customer.userId, accounts: ids, transactions: customer.transactions });
    }
  };
  await Promise.all(Array.from({ length: SIGN_UP_CONCURRENCY }, seedOne));
  return customers;
}

/**
 * Transfers of 0.01–10.00 EUR: the n-th comes from customer n mod count, from each of its accounts
 * in turn (so every account sends alike), to a random other account of anyone.
 */
export function gatewayTransfers(customers: readonly Customer[]): TransferDriver {
  const all = customers.flatMap((c) => c.accounts);
  let n = 0;
  return () => {
    const i = n++;
    const customer = customers[i % customers.length] as Customer;
    const source = customer.accounts[Math.floor(i / customers.length) % customer.accounts.length] as string;
    let destination = source;
    while (destination === source) destination = all[Math.floor(Math.random() * all.length)] as string;
    return transferUntilTerminal(customer, {
      idempotencyKey: `bench-${randomUUID()}`,
      sourceAccountId: source,
      destinationAccountId: destination,
      amount: BigInt(1 + Math.floor(Math.random() * 1_000)),
      currency: CURRENCY,
    });
  };
}

/** CreateTransfer (retried with its key on transient errors), then WatchTransfer if not yet terminal. */
async function transferUntilTerminal(
  customer: Customer,
  request: Parameters<Customer['transactions']['createTransfer']>[0],
): Promise<TransferOutcome> {
  const startedAt = performance.now();
  let watched = false;
  let attempts = 0;
  const outcome = (end: TransferEnd, reason?: string): TransferOutcome => {
    const endedAt = performance.now();
    return { end, ms: endedAt - startedAt, endedAt, attempts, watched, ...(reason ? { reason } : {}) };
  };
  for (;;) {
    attempts++;
    try {
      const { transfer } = await customer.transactions.createTransfer(request, {
        timeoutMs: CALL_TIMEOUT_MS,
      });
      if (!transfer) return outcome('ERROR', 'NO_TRANSFER');
      watched = !TERMINAL[transfer.state];
      const final = watched ? await watchUntilTerminal(customer, transfer.transferId) : transfer;
      const end = final && TERMINAL[final.state];
      return end ? outcome(end, final.failureReason || undefined) : outcome('ERROR', 'NOT_TERMINAL');
    } catch (err) {
      const code = ConnectError.from(err).code;
      if (attempts < ATTEMPTS && RETRYABLE.has(code)) {
        await sleep(50 * attempts);
        continue;
      }
      return outcome('ERROR', Code[code]);
    }
  }
}

async function watchUntilTerminal(customer: Customer, transferId: string): Promise<Transfer | undefined> {
  const stream = customer.transactions.watchTransfer({ transferId }, { timeoutMs: CALL_TIMEOUT_MS });
  for await (const change of stream)
    if (change.transfer && TERMINAL[change.transfer.state]) return change.transfer;
  return undefined;
}
