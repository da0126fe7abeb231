/** How an account reads for a person: its name, status and the line used in pickers. */
import { type Account, AccountStatus } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { formatMoney } from '../money/amount';
import { shortId } from '../ui/account-id';

export function currencyName(currency: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'currency' }).of(currency) ?? currency;
  } catch {
    return currency;
  }
}

export function accountTitle(account: Account): string {
  return `${account.currency} account`;
}

export function isFrozen(account: Account): boolean {
  return account.status === AccountStatus.FROZEN;
}

/** "EUR · 1a2b3c4d…9f0e · €120.00 available" */
export function accountOptionLabel(account: Account): string {
  return `${account.currency} · ${shortId(account.accountId)} · ${formatMoney(account.availableBalance, account.currency)} available`;
}
