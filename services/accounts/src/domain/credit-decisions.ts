/** What CreditAccount does when its credit id was posted before: answer it again, or refuse other terms. */
import type { DomainError } from '@paymesh/platform/errors/domain-error';
import { creditMismatch } from './ledger-failures.js';
import type { Posting } from './postings.js';

export interface CreditTerms {
  readonly creditId: string;
  readonly accountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly reference: string;
}

/** Undefined when the earlier credit (its reference and lines) had exactly the requested terms. */
export function repeatedCreditRefusal(
  earlier: { readonly reference: string; readonly lines: readonly Posting[] },
  requested: CreditTerms,
): DomainError | undefined {
  const credited = earlier.lines.find((line) => line.amount > 0n);
  const same =
    credited !== undefined &&
    credited.accountId === requested.accountId &&
    credited.amount === requested.amount &&
    credited.currency === requested.currency &&
    earlier.reference === requested.reference;
  return same ? undefined : creditMismatch(requested.creditId);
}
