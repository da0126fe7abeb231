/** What the ledger knows of an account when money is to move in or out of it, and when it may. */
import type { DomainError } from '@paymesh/platform/errors/domain-error';
import { accountFrozen, accountNotFound, currencyMismatch, systemAccount } from './ledger-failures.js';

export type AccountKindName = 'customer' | 'funding' | 'fx_pool';
export type AccountStatusName = 'active' | 'frozen';

export interface AccountState {
  readonly accountId: string;
  readonly kind: AccountKindName;
  readonly status: AccountStatusName;
  readonly currency: string;
}

/**
 * Why money may not move in or out of a customer account in `currency`, or undefined when it may:
 * it must exist, be a customer's, be active and hold that currency.
 */
export function refusalToMove(
  account: AccountState | undefined,
  accountId: string,
  currency: string,
): DomainError | undefined {
  if (!account) return accountNotFound(accountId);
  if (account.kind !== 'customer') return systemAccount(accountId);
  if (account.status !== 'active') return accountFrozen(accountId);
  if (account.currency !== currency) return currencyMismatch(accountId, account.currency, currency);
  return undefined;
}
