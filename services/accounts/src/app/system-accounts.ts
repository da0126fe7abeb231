/**
 * The system accounts (one funding and one FX pool account per currency), created on demand with
 * their AccountOpened event, each in a transaction of its own that commits before the command that
 * needs it goes on: a system account that exists is harmless, so the command may still roll back,
 * and an id once seen committed never changes, so later commands skip the lookup.
 */
import type { Database } from '@paymesh/platform/db/database';
import { inTransaction } from '@paymesh/platform/db/transaction';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import { findSystemAccount, insertSystemAccount } from '../db/accounts-repo.js';
import type * as schema from '../db/schema.js';
import type { AccountKindName } from '../domain/account-state.js';
import { accountOpened } from '../events/ledger-events.js';

export interface SystemAccountKey {
  readonly kind: Exclude<AccountKindName, 'customer'>;
  readonly currency: string;
}

export class SystemAccounts {
  readonly #committed = new Map<string, string>();

  constructor(
    private readonly db: Database<typeof schema>,
    private readonly outbox: Outbox,
  ) {}

  /**
   * The ids of the wanted accounts, in the order asked, creating (and committing) those missing.
   * Call it before locking any account: a creation waits on a concurrent creation of the same
   * account, never on a row lock.
   */
  async ids(wanted: readonly SystemAccountKey[]): Promise<string[]> {
    // Created in a fixed order, so two transactions creating the same two accounts cannot deadlock.
    const missing = [...new Set(wanted.map(keyOf))].filter((key) => !this.#committed.has(key)).sort();
    if (missing.length > 0) {
      const resolved = await inTransaction(this.db, async (tx) => {
        const ids = new Map<string, string>();
        for (const key of missing) {
          const { kind, currency } = parseKey(key);
          const created = await insertSystemAccount(tx, kind, currency);
          if (created) {
            await this.outbox.append(tx, accountOpened(created));
            ids.set(key, created.accountId);
            continue;
          }
          const existing = await findSystemAccount(tx, kind, currency);
          if (!existing) throw new Error(`system account ${key} conflicted on insert but cannot be read`);
          ids.set(key, existing.accountId);
        }
        return ids;
      });
      for (const [key, id] of resolved) this.#committed.set(key, id);
    }
    return wanted.map((want) => {
      const key = keyOf(want);
      const id = this.#committed.get(key);
      if (!id) throw new Error(`system account ${key} was not resolved`);
      return id;
    });
  }
}

function keyOf(key: SystemAccountKey): string {
  return `${key.kind}:${key.currency}`;
}

function parseKey(key: string): SystemAccountKey {
  const [kind, currency] = key.split(':');
  if ((kind !== 'funding' && kind !== 'fx_pool') || !currency)
    throw new Error(`bad system account key ${key}`);
  return { kind, currency };
}
