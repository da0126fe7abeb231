/** Opening a customer account: the row and its AccountOpened event commit together; a repeated request id returns the first. */
import { findAccountByOpenRequest, insertCustomerAccount } from '../db/accounts-repo.js';
import type { AccountRow } from '../db/schema.js';
import { openRequestMismatch } from '../domain/ledger-failures.js';
import { accountOpened } from '../events/ledger-events.js';
import type { Ledger } from './ledger.js';

export async function openAccount(
  ledger: Ledger,
  input: { requestId: string; ownerId: string; currency: string },
): Promise<AccountRow> {
  return ledger.commits.run(async (tx) => {
    const opened = await insertCustomerAccount(tx, input);
    if (opened) {
      await ledger.outbox.append(tx, accountOpened(opened));
      return opened;
    }
    const earlier = await findAccountByOpenRequest(tx, input.requestId);
    if (!earlier) throw new Error(`request ${input.requestId} conflicted on insert but opened nothing`);
    if (earlier.ownerId !== input.ownerId || earlier.currency !== input.currency) {
      throw openRequestMismatch(input.requestId);
    }
    return earlier;
  });
}
