/**
 * The bank's customers: `owners` owners with one account in each currency, every account funded by
 * an operator credit from its currency's funding account (accounts.CreditAccount). The start
 * balances are the client-side model's first entry.
 */
import { randomUUID } from 'node:crypto';
import type { RunningSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import type { Rng } from './rng.js';

export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;

export interface BankAccount {
  readonly accountId: string;
  readonly ownerId: string;
  readonly currency: string;
  /** What the operator credited, minor units. */
  readonly start: bigint;
}

const MIN_FUNDING = 2_000_00n;
const MAX_FUNDING = 10_000_00n;

export async function seedBank(system: RunningSystem, rng: Rng, owners: number): Promise<BankAccount[]> {
  const client = system.client('accounts', AccountsService);
  const plan = Array.from({ length: owners }, () => randomUUID()).flatMap((ownerId) =>
    CURRENCIES.map((currency) => ({ ownerId, currency, start: rng.big(MIN_FUNDING, MAX_FUNDING) })),
  );
  return Promise.all(
    plan.map(async ({ ownerId, currency, start }) => {
      const { account } = await client.openAccount({ requestId: randomUUID(), ownerId, currency });
      if (!account) throw new Error('OpenAccount answered no account');
      await client.creditAccount({
        creditId: randomUUID(),
        accountId: account.accountId,
        amount: start,
        currency,
        reference: 'chaos: operator funding',
      });
      return { accountId: account.accountId, ownerId, currency, start };
    }),
  );
}
