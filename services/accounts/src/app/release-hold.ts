/**
 * Releasing a transfer's hold (the TCC cancel): the hold, the account's held balance and
 * HoldReleased commit together. A released hold is returned as it is; a captured one refuses.
 * A transfer that never held gets a tombstone (released, amount 0, no account, no event), so a
 * delayed HoldFunds for it is refused: the TCC "empty cancel" and anti-suspension rules.
 */
import { findHold, insertReleaseTombstone, releaseHeldHold } from '../db/holds-repo.js';
import type { HoldRow } from '../db/schema.js';
import { releaseDecision } from '../domain/hold-decisions.js';
import { holdReleased } from '../events/ledger-events.js';
import type { Ledger } from './ledger.js';

// A hold committed between two of our statements is seen by the next: a few passes settle it.
const MAX_PASSES = 3;

export async function releaseHold(
  ledger: Ledger,
  input: { transferId: string; reason: string },
): Promise<HoldRow> {
  return ledger.commits.run(async (tx) => {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      const released = await releaseHeldHold(tx, input.transferId, input.reason);
      if (released) {
        await ledger.outbox.append(tx, holdReleased(released));
        return released;
      }
      const existing = await findHold(tx, input.transferId);
      if (!existing) {
        const tombstone = await insertReleaseTombstone(tx, input.transferId, input.reason);
        if (tombstone) return tombstone;
        continue;
      }
      const decision = releaseDecision(existing);
      if (decision.action === 'refuse') throw decision.error;
      if (decision.action === 'unchanged') return existing;
    }
    throw new Error(`hold of transfer ${input.transferId} kept changing while being released`);
  });
}
