/** Benchmarks' money: `count` customer accounts in one currency, each credited `amount` minor units. */
import { randomUUID } from 'node:crypto';
import type { RunningSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';

export async function fundedAccounts(
  system: RunningSystem,
  options: { count: number; amount: bigint; currency?: string },
): Promise<string[]> {
  const accounts = system.client('accounts', AccountsService);
  const currency = options.currency ?? 'EUR';
  const ids: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const { account } = await accounts.openAccount({
      requestId: randomUUID(),
      ownerId: randomUUID(),
      currency,
    });
    if (!account) throw new Error('OpenAccount answered no account');
    await accounts.creditAccount({
      creditId: randomUUID(),
      accountId: account.accountId,
      amount: options.amount,
      currency,
      reference: 'bench funding',
    });
    ids.push(account.accountId);
  }
  return ids;
}
