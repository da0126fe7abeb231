/** Freezing a customer account: the status change and AccountFrozen commit together; freezing again changes nothing. */
import { findAccount, freezeActiveCustomerAccount } from '../db/accounts-repo.js';
import type { AccountRow } from '../db/schema.js';
import { accountNotFound, systemAccount } from '../domain/ledger-failures.js';
import { accountFrozen } from '../events/ledger-events.js';
import type { Ledger } from './ledger.js';

export async function freezeAccount(
  ledger: Ledger,
  input: { accountId: string; reason: string },
): Promise<AccountRow> {
  return ledger.commits.run(async (tx) => {
    const frozen = await freezeActiveCustomerAccount(tx, input.accountId);
    if (frozen) {
      await ledger.outbox.append(tx, accountFrozen(frozen, input.reason));
      return frozen;
    }
    const account = await findAccount(tx, input.accountId);
    if (!account) throw accountNotFound(input.accountId);
    if (account.kind !== 'customer') throw systemAccount(input.accountId);
    return account;
  });
}
