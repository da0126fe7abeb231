/**
 * The expire-holds job: one pass releases a batch of held holds past their expiry, each with
 * HoldReleased "expired", in one transaction. Holds are claimed with SKIP LOCKED (a capture or
 * release in flight keeps its hold), accounts are locked in id order like every other command.
 */
import { inTransaction } from '@paymesh/platform/db/transaction';
import { applyBalanceChanges, lockAccounts } from '../db/accounts-repo.js';
import { releaseExpiredHolds } from '../db/holds-repo.js';
import { balanceChanges } from '../domain/postings.js';
import { holdReleased } from '../events/ledger-events.js';
import type { Ledger } from './ledger.js';

export const EXPIRY_BATCH_SIZE = 100;

/** Resolves true when the batch was full: there may be more to release at once. */
export async function expireHolds(ledger: Pick<Ledger, 'db' | 'outbox'>): Promise<boolean> {
  return inTransaction(ledger.db, async (tx) => {
    const released = await releaseExpiredHolds(tx, EXPIRY_BATCH_SIZE);
    if (released.length === 0) return false;
    const spent = released.map((hold) => {
      if (!hold.accountId) throw new Error(`tombstone ${hold.transferId} was held`);
      return { accountId: hold.accountId, amount: hold.amount };
    });
    const changes = balanceChanges([], spent);
    await lockAccounts(
      tx,
      changes.map((change) => change.accountId),
    );
    await applyBalanceChanges(tx, changes);
    await ledger.outbox.append(tx, ...released.map(holdReleased));
    return released.length === EXPIRY_BATCH_SIZE;
  });
}
