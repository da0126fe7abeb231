/** Statements over accounts: opening, reading, locking in a fixed order, freezing, moving balances. */

import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { AccountKindName } from '../domain/account-state.js';
import type { BalanceChange } from '../domain/postings.js';
import type { LedgerExecutor } from './ledger-executor.js';
import { type AccountRow, accounts } from './schema.js';

/** Opens a customer account, or returns undefined when `requestId` already opened one. */
export async function insertCustomerAccount(
  tx: LedgerExecutor,
  input: { requestId: string; ownerId: string; currency: string },
): Promise<AccountRow | undefined> {
  const [row] = await tx
    .insert(accounts)
    .values({
      ownerId: input.ownerId,
      currency: input.currency,
      kind: 'customer',
      openRequestId: input.requestId,
    })
    .onConflictDoNothing({ target: accounts.openRequestId })
    .returning();
  return row;
}

export async function findAccountByOpenRequest(
  tx: LedgerExecutor,
  requestId: string,
): Promise<AccountRow | undefined> {
  const [row] = await tx.select().from(accounts).where(eq(accounts.openRequestId, requestId));
  return row;
}

export async function findAccount(tx: LedgerExecutor, accountId: string): Promise<AccountRow | undefined> {
  const [row] = await tx.select().from(accounts).where(eq(accounts.accountId, accountId));
  return row;
}

/** Creates the system account of a kind and currency, or returns undefined when it exists. */
export async function insertSystemAccount(
  tx: LedgerExecutor,
  kind: Exclude<AccountKindName, 'customer'>,
  currency: string,
): Promise<AccountRow | undefined> {
  const [row] = await tx
    .insert(accounts)
    .values({ kind, currency })
    .onConflictDoNothing({ target: [accounts.kind, accounts.currency], where: sql`kind <> 'customer'` })
    .returning();
  return row;
}

export async function findSystemAccount(
  tx: LedgerExecutor,
  kind: Exclude<AccountKindName, 'customer'>,
  currency: string,
): Promise<AccountRow | undefined> {
  const [row] = await tx
    .select()
    .from(accounts)
    .where(and(eq(accounts.kind, kind), eq(accounts.currency, currency), ne(accounts.kind, 'customer')));
  return row;
}

/**
 * Locks the accounts for update, in account id order: every transaction that locks several
 * accounts takes them in this one order, so two of them never wait on each other in a cycle.
 */
export async function lockAccounts(
  tx: LedgerExecutor,
  accountIds: readonly string[],
): Promise<Map<string, AccountRow>> {
  const rows = await tx
    .select()
    .from(accounts)
    .where(inArray(accounts.accountId, [...new Set(accountIds)]))
    .orderBy(asc(accounts.accountId))
    .for('no key update');
  return new Map(rows.map((row) => [row.accountId, row]));
}

/** The UPDATE adding `changes` to posted and held balances (rows locked already); a CTE member. */
export function balanceUpdate(changes: readonly BalanceChange[]) {
  return sql`update accounts a
    set posted_balance = a.posted_balance + d.posted,
        held_balance = a.held_balance + d.held,
        updated_at = now()
    from unnest(
      ${sql.param(changes.map((c) => c.accountId))}::uuid[],
      ${sql.param(changes.map((c) => c.posted.toString()))}::bigint[],
      ${sql.param(changes.map((c) => c.held.toString()))}::bigint[]
    ) as d(account_id, posted, held)
    where a.account_id = d.account_id`;
}

/** Applies balance changes to accounts locked already. */
export async function applyBalanceChanges(
  tx: LedgerExecutor,
  changes: readonly BalanceChange[],
): Promise<void> {
  if (changes.length > 0) await tx.execute(balanceUpdate(changes));
}

/** Freezes an active customer account; undefined when it is missing, frozen already or a system account. */
export async function freezeActiveCustomerAccount(
  tx: LedgerExecutor,
  accountId: string,
): Promise<AccountRow | undefined> {
  const [row] = await tx
    .update(accounts)
    .set({ status: 'frozen', updatedAt: sql`now()` })
    .where(
      and(eq(accounts.accountId, accountId), eq(accounts.status, 'active'), eq(accounts.kind, 'customer')),
    )
    .returning();
  return row;
}

/** Where a page of an owner's accounts starts: after this account in (opened_at, account_id) order. */
export interface AccountCursor {
  readonly openedAt: Date;
  readonly accountId: string;
}

/** Up to `limit` of an owner's accounts, oldest first, after `cursor`. */
export async function listOwnerAccounts(
  tx: LedgerExecutor,
  ownerId: string,
  cursor: AccountCursor | undefined,
  limit: number,
): Promise<AccountRow[]> {
  const after = cursor
    ? sql`(${accounts.openedAt}, ${accounts.accountId}) > (${cursor.openedAt.toISOString()}::timestamptz, ${cursor.accountId}::uuid)`
    : undefined;
  return tx
    .select()
    .from(accounts)
    .where(and(eq(accounts.ownerId, ownerId), after))
    .orderBy(asc(accounts.openedAt), asc(accounts.accountId))
    .limit(limit);
}
