/**
 * The system accounts (one funding and one FX pool account per currency), created on demand inside
 * the transaction that first needs one, with its AccountOpened event. Their ids never change, so
 * ids seen committed are remembered and later transactions skip the lookup.
 */

import type { OutboxEvent } from '@paymesh/platform/outbox/outbox';
import { findSystemAccount, insertSystemAccount } from '../db/accounts-repo.js';
import type { LedgerExecutor } from '../db/ledger-executor.js';
import type { AccountKindName } from '../domain/account-state.js';
import { accountOpened } from '../events/ledger-events.js';

export interface SystemAccountKey {
  readonly kind: Exclude<AccountKindName, 'customer'>;
  readonly currency: string;
}

export class SystemAccounts {
  readonly #committed = new Map<string, string>();

  /**
   * The ids of the wanted accounts, in the order asked, creating those missing (their
   * AccountOpened events are pushed onto `events`, for the caller to append before commit). Call
   * it once per transaction and before locking any account: a creation waits on a concurrent
   * creation of the same account, never on a row lock.
   */
  async ids(
    tx: LedgerExecutor,
    wanted: readonly SystemAccountKey[],
    events: OutboxEvent[],
  ): Promise<string[]> {
    const found = new Map<string, string>();
    // Created in a fixed order, so two transactions creating the same two accounts cannot deadlock.
    const missing = [...new Set(wanted.map(keyOf))].filter((key) => !this.#committed.has(key)).sort();
    for (const key of missing) {
      const { kind, currency } = parseKey(key);
      const created = await insertSystemAccount(tx, kind, currency);
      if (created) {
        // Not remembered: this transaction may still roll back.
        events.push(accountOpened(created));
        found.set(key, created.accountId);
        continue;
      }
      const existing = await findSystemAccount(tx, kind, currency);
      if (!existing) throw new Error(`system account ${key} conflicted on insert but cannot be read`);
      this.#committed.set(key, existing.accountId);
    }
    return wanted.map((want) => {
      const key = keyOf(want);
      const id = this.#committed.get(key) ?? found.get(key);
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
