/** The terms of a transfer request, hashed: the same idempotency key must come with the same terms. */
import { createHash } from 'node:crypto';

export interface TransferTerms {
  sourceAccountId: string;
  destinationAccountId: string;
  amount: bigint;
  currency: string;
  description: string;
}

export function requestFingerprint(terms: TransferTerms): string {
  const canonical = JSON.stringify([
    terms.sourceAccountId.toLowerCase(),
    terms.destinationAccountId.toLowerCase(),
    terms.amount.toString(),
    terms.currency,
    terms.description,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
