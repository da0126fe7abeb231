/**
 * Capturing a transfer's hold (the TCC confirm): one transaction locks the hold, then every
 * account involved in account id order, posts the balanced entry (through the FX pools when the
 * currencies differ), marks the hold captured and appends HoldCaptured. A repeat with the same
 * destination answers the same postings; a hold found expired is released here and refused.
 */
import { randomUUID } from 'node:crypto';
import { lockAccounts } from '../db/accounts-repo.js';
import { lockHold, releaseHeldHold } from '../db/holds-repo.js';
import { capturePostingsOf, postCapture } from '../db/journal-repo.js';
import type { HoldRow } from '../db/schema.js';
import { refusalToMove } from '../domain/account-state.js';
import { type CaptureTerms, captureDecision } from '../domain/hold-decisions.js';
import { accountFrozen, holdExpired } from '../domain/ledger-failures.js';
import { balanceChanges, capturePostings, type Posting } from '../domain/postings.js';
import { holdCaptured, holdReleased } from '../events/ledger-events.js';
import type { Ledger } from './ledger.js';

export interface Capture {
  readonly hold: HoldRow;
  readonly lines: readonly Posting[];
}

export async function captureHold(
  ledger: Ledger,
  input: CaptureTerms & { transferId: string },
): Promise<Capture> {
  const outcome = await ledger.commits.run(async (tx): Promise<Capture | 'expired'> => {
    const locked = await lockHold(tx, input.transferId);
    const decision = captureDecision(input.transferId, locked?.hold, locked?.expired ?? false, input);
    if (decision.action === 'refuse') throw decision.error;
    if (!locked) throw new Error('unreachable: a decision other than refuse needs a hold');
    const hold = locked.hold;
    if (decision.action === 'replay') return { hold, lines: await capturePostingsOf(tx, input.transferId) };
    if (decision.action === 'expire') {
      const released = await releaseHeldHold(tx, input.transferId, 'expired');
      if (!released) throw new Error(`hold of transfer ${input.transferId} was not held while locked`);
      await ledger.outbox.append(tx, holdReleased(released));
      // The release commits; the refusal is answered after.
      return 'expired';
    }

    const source = hold.accountId;
    const currency = hold.currency;
    if (!source || !currency) throw new Error(`held hold of transfer ${input.transferId} has no account`);
    const crossCurrency = currency !== input.destinationCurrency;
    const pools = crossCurrency
      ? await ledger.systemAccounts.ids([
          { kind: 'fx_pool', currency },
          { kind: 'fx_pool', currency: input.destinationCurrency },
        ])
      : [];
    const accounts = await lockAccounts(tx, [source, input.destinationAccountId, ...pools]);
    const refusal = refusalToMove(
      accounts.get(input.destinationAccountId),
      input.destinationAccountId,
      input.destinationCurrency,
    );
    // Throwing rolls back; the hold stays held for the caller to release.
    if (refusal) throw refusal;
    if (accounts.get(source)?.status !== 'active') throw accountFrozen(source);

    const [sourcePool, destinationPool] = pools;
    const lines = capturePostings({
      sourceAccountId: source,
      amount: hold.amount,
      currency,
      destinationAccountId: input.destinationAccountId,
      destinationAmount: input.destinationAmount,
      destinationCurrency: input.destinationCurrency,
      pools: sourcePool && destinationPool ? { source: sourcePool, destination: destinationPool } : undefined,
    });
    const captured = await postCapture(tx, {
      entryId: randomUUID(),
      transferId: input.transferId,
      lines,
      changes: balanceChanges(lines, [{ accountId: source, amount: hold.amount }]),
      destinationAccountId: input.destinationAccountId,
      destinationAmount: input.destinationAmount,
      destinationCurrency: input.destinationCurrency,
    });
    await ledger.outbox.append(tx, holdCaptured(captured, lines));
    return { hold: captured, lines };
  });
  if (outcome === 'expired') throw holdExpired(input.transferId);
  return outcome;
}
