/**
 * What each hold command does with the transfer's hold as it stands: act, answer as before
 * (idempotent repeats), or refuse. Pure: the use cases read and lock, these decide.
 */
import type { DomainError } from '@paymesh/platform/errors/domain-error';
import {
  captureAmountMismatch,
  captureToItself,
  holdCaptured,
  holdMismatch,
  holdNotFound,
  holdReleased,
} from './ledger-failures.js';

export type HoldStatusName = 'held' | 'captured' | 'released';

export interface HoldState {
  readonly transferId: string;
  /** Null for a tombstone: a release of a transfer that never held. */
  readonly accountId: string | null;
  readonly amount: bigint;
  readonly currency: string | null;
  readonly status: HoldStatusName;
  readonly destinationAccountId: string | null;
  readonly destinationAmount: bigint | null;
  readonly destinationCurrency: string | null;
}

export interface HoldTerms {
  readonly accountId: string;
  readonly amount: bigint;
  readonly currency: string;
}

export interface CaptureTerms {
  readonly destinationAccountId: string;
  readonly destinationAmount: bigint;
  readonly destinationCurrency: string;
}

/**
 * HoldFunds for a transfer that already has a hold: a released one (a tombstone too) refuses it,
 * other terms are a mismatch; the same terms return the hold as it is (undefined here).
 */
export function repeatedHoldRefusal(existing: HoldState, requested: HoldTerms): DomainError | undefined {
  if (existing.status === 'released') return holdReleased(existing.transferId);
  const same =
    existing.accountId === requested.accountId &&
    existing.amount === requested.amount &&
    existing.currency === requested.currency;
  return same ? undefined : holdMismatch(existing.transferId);
}

export type CaptureDecision =
  | { readonly action: 'capture' }
  | { readonly action: 'replay' }
  | { readonly action: 'expire' }
  | { readonly action: 'refuse'; readonly error: DomainError };

/**
 * CaptureHold on the hold as locked: capture it; answer an earlier identical capture again; release
 * it because it expired; or refuse (unknown, released, captured elsewhere, or terms that cannot be).
 */
export function captureDecision(
  transferId: string,
  hold: HoldState | undefined,
  expired: boolean,
  request: CaptureTerms,
): CaptureDecision {
  const refuse = (error: DomainError): CaptureDecision => ({ action: 'refuse', error });
  if (!hold) return refuse(holdNotFound(transferId));
  if (hold.status === 'captured') {
    const same =
      hold.destinationAccountId === request.destinationAccountId &&
      hold.destinationAmount === request.destinationAmount &&
      hold.destinationCurrency === request.destinationCurrency;
    return same ? { action: 'replay' } : refuse(holdMismatch(transferId));
  }
  if (hold.status === 'released') return refuse(holdReleased(transferId));
  if (expired) return { action: 'expire' };
  if (hold.accountId === request.destinationAccountId) return refuse(captureToItself());
  if (hold.currency === request.destinationCurrency && hold.amount !== request.destinationAmount) {
    return refuse(captureAmountMismatch(hold.amount));
  }
  return { action: 'capture' };
}

export type ReleaseDecision =
  | { readonly action: 'release' }
  | { readonly action: 'unchanged' }
  | { readonly action: 'refuse'; readonly error: DomainError };

/** ReleaseHold on an existing hold: release a held one, leave a released one, refuse a captured one. */
export function releaseDecision(hold: HoldState): ReleaseDecision {
  switch (hold.status) {
    case 'held':
      return { action: 'release' };
    case 'released':
      return { action: 'unchanged' };
    case 'captured':
      return { action: 'refuse', error: holdCaptured(hold.transferId) };
  }
}
