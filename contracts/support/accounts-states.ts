/** Provider states of accounts, set up through accounts' own API (OpenAccount, CreditAccount, HoldFunds). */
import { randomUUID } from 'node:crypto';
import type { RunningSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import type { StateHandlers } from './provider.js';

export function accountsStates(system: RunningSystem): StateHandlers {
  const accounts = () => system.client('accounts', AccountsService);
  const openAccount = async (
    currency: string,
    available: bigint,
    ownerId: string = randomUUID(),
  ): Promise<string> => {
    const { account } = await accounts().openAccount({ requestId: randomUUID(), ownerId, currency });
    if (!account) throw new Error('OpenAccount answered no account');
    if (available > 0n) {
      await accounts().creditAccount({
        creditId: randomUUID(),
        accountId: account.accountId,
        amount: available,
        currency,
        reference: 'contract state',
      });
    }
    return account.accountId;
  };
  const held = async (amount: bigint) => {
    const sourceAccountId = await openAccount('EUR', 10_000n);
    const transferId = randomUUID();
    await accounts().holdFunds({ transferId, accountId: sourceAccountId, amount, currency: 'EUR' });
    return { transferId, sourceAccountId };
  };
  return {
    'an account in EUR owned by a user': async (params) => {
      const given =
        params && typeof params === 'object' && !Array.isArray(params) ? params.ownerId : undefined;
      const ownerId: string = typeof given === 'string' ? given : randomUUID();
      return { accountId: await openAccount('EUR', 0n, ownerId), ownerId };
    },
    'no account 6f1c2a50-0000-4000-8000-000000000001': async () => ({}),
    'an account with 100.00 EUR available': async () => ({ accountId: await openAccount('EUR', 10_000n) }),
    'an account with 10.00 EUR available': async () => ({ accountId: await openAccount('EUR', 1_000n) }),
    'a transfer holding 25.00 EUR and a EUR destination account': async () => {
      const { transferId } = await held(2_500n);
      return { transferId, destinationAccountId: await openAccount('EUR', 0n) };
    },
    'a transfer holding 25.00 EUR': async () => {
      const { transferId } = await held(2_500n);
      return { transferId };
    },
  };
}
