/**
 * The signed-in customer's accounts, loaded once and shared by every page; pages refresh them
 * after something that moves money.
 */
import type { Account } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { accountsClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';

export interface AccountsState {
  readonly accounts: readonly Account[];
  /** True until the first answer arrives. */
  readonly loading: boolean;
  /** True while a refresh is on its way. */
  readonly refreshing: boolean;
  readonly error?: DescribedError;
  readonly refresh: () => Promise<void>;
  /** Adds or replaces one account with the state an answer returned. */
  readonly upsert: (account: Account) => void;
}

const AccountsContext = createContext<AccountsState | undefined>(undefined);

/** Every page of an owner's accounts, oldest first. */
async function listAllAccounts(ownerId: string): Promise<Account[]> {
  const accounts: Account[] = [];
  let pageToken = '';
  do {
    const page = await accountsClient.listAccounts({ ownerId, pageSize: 100, pageToken });
    accounts.push(...page.accounts);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return accounts;
}

export function AccountsProvider({ ownerId, children }: { ownerId: string; children: ReactNode }) {
  const [accounts, setAccounts] = useState<readonly Account[]>([]);
  const [loading, setLoading] = useState(true);
  const [refreshing, setRefreshing] = useState(false);
  const [error, setError] = useState<DescribedError>();

  const refresh = useCallback(async () => {
    setRefreshing(true);
    try {
      setAccounts(await listAllAccounts(ownerId));
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setLoading(false);
      setRefreshing(false);
    }
  }, [ownerId]);

  const upsert = useCallback((account: Account) => {
    setAccounts((list) =>
      list.some((a) => a.accountId === account.accountId)
        ? list.map((a) => (a.accountId === account.accountId ? account : a))
        : [...list, account],
    );
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Money arrives while the person looks elsewhere: coming back to the tab fetches fresh balances.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [refresh]);

  const value = useMemo(
    () => ({ accounts, loading, refreshing, error, refresh, upsert }),
    [accounts, loading, refreshing, error, refresh, upsert],
  );
  return <AccountsContext.Provider value={value}>{children}</AccountsContext.Provider>;
}

export function useAccounts(): AccountsState {
  const state = useContext(AccountsContext);
  if (!state) throw new Error('useAccounts outside AccountsProvider');
  return state;
}
