/**
 * Holding funds for a transfer (the TCC try): the hold row, the reservation on the account and
 * FundsHeld commit together. The available-balance CHECK is the guard against overdraft, so
 * concurrent holds on one account can never take more than it has. A repeat for the transfer
 * returns its hold as it is now; a released transfer (a tombstone too) refuses it.
 */
import { PgErrorCode, pgConstraint, pgErrorCode } from '@paymesh/platform/db/database';
import { findAccount } from '../db/accounts-repo.js';
import { claimHold, findHold } from '../db/holds-repo.js';
import type { HoldRow } from '../db/schema.js';
import { refusalToMove } from '../domain/account-state.js';
import { type HoldTerms, repeatedHoldRefusal } from '../domain/hold-decisions.js';
import { accountNotFound, insufficientFunds } from '../domain/ledger-failures.js';
import { fundsHeld } from '../events/ledger-events.js';
import type { Ledger } from './ledger.js';

export async function holdFunds(ledger: Ledger, input: HoldTerms & { transferId: string }): Promise<HoldRow> {
  try {
    return await ledger.commits.run(async (tx) => {
      const claimed = await claimHold(tx, { ...input, ttlMs: ledger.holdTtlMs });
      if (!claimed) {
        const existing = await findHold(tx, input.transferId);
        if (!existing) throw new Error(`transfer ${input.transferId} conflicted on insert but has no hold`);
        const refusal = repeatedHoldRefusal(existing, input);
        if (refusal) throw refusal;
        return existing;
      }
      if (!claimed.reserved) {
        // Throwing rolls the claimed hold back.
        const account = await findAccount(tx, input.accountId);
        throw (
          refusalToMove(account, input.accountId, input.currency) ??
          new Error(`account ${input.accountId} refused a reservation it should take`)
        );
      }
      await ledger.outbox.append(tx, fundsHeld(claimed.hold));
      return claimed.hold;
    });
  } catch (err) {
    const code = pgErrorCode(err);
    if (code === PgErrorCode.checkViolation && pgConstraint(err) === 'accounts_available_non_negative') {
      // Read after the refusal, for the message only: the database already decided.
      const account = await findAccount(ledger.db, input.accountId);
      const available = account ? account.postedBalance - account.heldBalance : 0n;
      throw insufficientFunds(input.accountId, available, input.amount);
    }
    if (
      code === PgErrorCode.foreignKeyViolation &&
      pgConstraint(err) === 'holds_account_id_accounts_account_id_fk'
    ) {
      throw accountNotFound(input.accountId);
    }
    throw err;
  }
}
