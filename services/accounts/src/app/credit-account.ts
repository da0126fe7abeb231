/**
 * Crediting a customer account from its currency's funding account (created on demand): the
 * entry, both balances and AccountCredited commit together. The credit id is the journal entry's
 * unique key, so a repeat answers the first credit and credits nothing; other terms refuse.
 * A credit refused at sight (an account frozen, unknown, of another currency or a system account)
 * writes nothing, not even the currency's funding account.
 */
import { randomUUID } from 'node:crypto';
import type { DomainError } from '@paymesh/platform/errors/domain-error';
import { findAccount, lockAccounts } from '../db/accounts-repo.js';
import { findCredit, postCredit } from '../db/journal-repo.js';
import type { LedgerExecutor } from '../db/ledger-executor.js';
import type { AccountRow } from '../db/schema.js';
import { refusalToMove } from '../domain/account-state.js';
import { type CreditTerms, repeatedCreditRefusal } from '../domain/credit-decisions.js';
import { balanceChanges, creditPostings, type Posting } from '../domain/postings.js';
import { accountCredited } from '../events/ledger-events.js';
import type { Ledger } from './ledger.js';

export interface Credit {
  readonly account: AccountRow;
  readonly lines: readonly Posting[];
}

export async function creditAccount(ledger: Ledger, input: CreditTerms): Promise<Credit> {
  // A credit refused at sight creates no funding account; a repeat of an earlier one still answers it.
  const refusedAtSight = refusalToMove(
    await findAccount(ledger.db, input.accountId),
    input.accountId,
    input.currency,
  );
  if (refusedAtSight) return repeatedCredit(ledger.db, input, refusedAtSight);
  const [fundingAccountId] = await ledger.systemAccounts.ids([{ kind: 'funding', currency: input.currency }]);
  if (!fundingAccountId) throw new Error(`no funding account for ${input.currency}`);
  return ledger.commits.run(async (tx) => {
    const accounts = await lockAccounts(tx, [fundingAccountId, input.accountId]);
    const refusal = refusalToMove(accounts.get(input.accountId), input.accountId, input.currency);
    if (!refusal) {
      const lines = creditPostings({ fundingAccountId, ...input });
      const updated = await postCredit(tx, {
        entryId: randomUUID(),
        creditId: input.creditId,
        reference: input.reference,
        lines,
        changes: balanceChanges(lines),
      });
      const account = updated?.find((row) => row.accountId === input.accountId);
      if (account) {
        await ledger.outbox.append(tx, accountCredited({ ...input, lines }));
        return { account, lines };
      }
    }
    return repeatedCredit(tx, input, refusal);
  });
}

/** The earlier credit under this id, when its terms are the requested ones; else the refusal. */
async function repeatedCredit(
  tx: LedgerExecutor,
  input: CreditTerms,
  refusal: DomainError | undefined,
): Promise<Credit> {
  const earlier = await findCredit(tx, input.creditId);
  if (!earlier) {
    if (refusal) throw refusal;
    throw new Error(`credit ${input.creditId} conflicted on insert but cannot be read`);
  }
  const mismatch = repeatedCreditRefusal(earlier, input);
  if (mismatch) throw mismatch;
  const account = await findAccount(tx, input.accountId);
  if (!account) throw new Error(`credited account ${input.accountId} vanished`);
  return { account, lines: earlier.lines };
}
