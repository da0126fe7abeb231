/**
 * Whether a customer owns the resource a request names. A user id must be the caller's own; an
 * account must be owned by the caller (accounts.GetAccount; owners never change, so they are
 * cached); a transfer must move money out of or into one of the caller's accounts. Whatever is not
 * theirs is answered exactly as the upstream answers a missing one.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import type { OwnedResource } from '../public-api/public-methods.js';
import type { UpstreamClients } from '../public-api/upstreams.js';
import { LruCache } from './lru-cache.js';
import { accountNotFound, transferNotFound, userNotFound } from './not-found.js';

export interface Ownership {
  /** Resolves when `userId` owns the resource; throws the upstream's not-found answer otherwise. */
  ensureOwned(kind: OwnedResource['kind'], id: string, userId: string): Promise<void>;
}

export function ownership(
  clients: Pick<UpstreamClients, 'accounts' | 'transactions'>,
  options: { cacheSize: number },
): Ownership {
  // Account id → owner id ('' for system accounts), transfer id → its two accounts.
  const owners = new LruCache<string, string>(options.cacheSize);
  const parties = new LruCache<string, readonly [string, string]>(options.cacheSize);

  /** The owner of an account; an unknown account fails with accounts' own NOT_FOUND. */
  const ownerOf = async (accountId: string): Promise<string> => {
    const key = accountId.toLowerCase();
    const cached = owners.get(key);
    if (cached !== undefined) return cached;
    const { account } = await clients.accounts.getAccount({ accountId });
    const owner = (account?.ownerId ?? '').toLowerCase();
    owners.set(key, owner);
    return owner;
  };

  const partiesOf = async (transferId: string): Promise<readonly [string, string]> => {
    const key = transferId.toLowerCase();
    const cached = parties.get(key);
    if (cached) return cached;
    const { transfer } = await clients.transactions.getTransfer({ transferId });
    const found = [transfer?.sourceAccountId ?? '', transfer?.destinationAccountId ?? ''] as const;
    parties.set(key, found);
    return found;
  };

  /** A transfer's account may not exist (a transfer to a wrong id fails): then it is nobody's. */
  const owns = async (accountId: string, userId: string): Promise<boolean> => {
    if (!accountId) return false;
    try {
      return (await ownerOf(accountId)) === userId;
    } catch (err) {
      if (err instanceof ConnectError && err.code === Code.NotFound) return false;
      throw err;
    }
  };

  return {
    async ensureOwned(kind, id, userId) {
      const user = userId.toLowerCase();
      switch (kind) {
        case 'user':
          if (id.toLowerCase() !== user) throw userNotFound(id);
          return;
        case 'account':
          if ((await ownerOf(id)) !== user) throw accountNotFound(id);
          return;
        case 'transfer': {
          const [source, destination] = await partiesOf(id);
          if ((await owns(source, user)) || (await owns(destination, user))) return;
          throw transferNotFound(id);
        }
      }
    },
  };
}
