/**
 * The client-side model of the bank: every customer account's start balance, then every COMPLETED
 * transfer applied as its record says (the source debited the amount, the destination credited the
 * converted amount). The ledger must hold exactly this.
 */
import type { BankAccount } from './seed-bank.js';
import type { StoredTransfer } from './snapshot.js';

export function modelBalances(
  accounts: readonly BankAccount[],
  transfers: readonly StoredTransfer[],
): Map<string, bigint> {
  const balances = new Map(accounts.map((a) => [a.accountId, a.start]));
  const move = (accountId: string, delta: bigint) =>
    balances.set(accountId, (balances.get(accountId) ?? 0n) + delta);
  for (const t of transfers) {
    if (t.state !== 'completed') continue;
    move(t.sourceAccountId, -t.amount);
    move(t.destinationAccountId, t.destinationAmount ?? 0n);
  }
  return balances;
}
