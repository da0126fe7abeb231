/** Statements over holds: claiming one with its reservation, locking, releasing, tombstones, expiry. */

import { decodeRow } from '@paymesh/platform/db/decode-row';
import { eq, sql } from 'drizzle-orm';
import type { LedgerExecutor } from './ledger-executor.js';
import { type HoldRow, holds } from './schema.js';

/**
 * Claims the transfer's hold and reserves its amount in one statement: the hold row is inserted
 * unless the transfer has one, and the account's held balance grows only if it is an active
 * customer account of that currency, re-checked under the row lock. The CHECK on available
 * balance is the guard against overdraft: a violation aborts the statement (SQLSTATE 23514), an
 * unknown account fails the hold's foreign key (23503).
 *
 * Returns undefined when the transfer had a hold already (nothing written), else the new hold and
 * whether the reservation was made (when not, the caller must roll back).
 */
export async function claimHold(
  tx: LedgerExecutor,
  input: { transferId: string; accountId: string; amount: bigint; currency: string; ttlMs: number },
): Promise<{ hold: HoldRow; reserved: boolean } | undefined> {
  const { rows } = await tx.execute(sql`
    with claimed as (
      insert into holds (transfer_id, account_id, amount, currency, status, expires_at)
      values (${input.transferId}, ${input.accountId}, ${input.amount.toString()}::bigint, ${input.currency},
              'held', now() + ${input.ttlMs}::float8 * interval '1 millisecond')
      on conflict (transfer_id) do nothing
      returning *
    ), reserved as (
      update accounts a
      set held_balance = a.held_balance + c.amount, updated_at = now()
      from claimed c
      where a.account_id = c.account_id and a.kind = 'customer' and a.status = 'active' and a.currency = c.currency
      returning a.account_id
    )
    select c.*, exists (select 1 from reserved) as reserved from claimed c`);
  const [row] = rows;
  return row ? { hold: decodeRow(holds, row), reserved: row.reserved === true } : undefined;
}

export async function findHold(tx: LedgerExecutor, transferId: string): Promise<HoldRow | undefined> {
  const [row] = await tx.select().from(holds).where(eq(holds.transferId, transferId));
  return row;
}

/** Locks the transfer's hold for update; `expired` is judged by the database clock, as the sweep does. */
export async function lockHold(
  tx: LedgerExecutor,
  transferId: string,
): Promise<{ hold: HoldRow; expired: boolean } | undefined> {
  const { rows } = await tx.execute(sql`
    select *, (status = 'held' and expires_at <= now()) as expired
    from holds where transfer_id = ${transferId}
    for update`);
  const [row] = rows;
  return row ? { hold: decodeRow(holds, row), expired: row.expired === true } : undefined;
}

/**
 * Releases the transfer's hold if it is held, giving its amount back to the account's available
 * balance, in one statement; undefined when it is not held (or does not exist).
 */
export async function releaseHeldHold(
  tx: LedgerExecutor,
  transferId: string,
  reason: string,
): Promise<HoldRow | undefined> {
  const { rows } = await tx.execute(sql`
    with released as (
      update holds
      set status = 'released', release_reason = ${reason}, updated_at = now()
      where transfer_id = ${transferId} and status = 'held'
      returning *
    ), restored as (
      update accounts a
      set held_balance = a.held_balance - r.amount, updated_at = now()
      from released r
      where a.account_id = r.account_id
    )
    select * from released`);
  const [row] = rows;
  return row ? decodeRow(holds, row) : undefined;
}

/**
 * Records that the transfer was released before it ever held (the TCC "empty cancel"), so a hold
 * arriving later is refused; undefined when the transfer has a hold row already.
 */
export async function insertReleaseTombstone(
  tx: LedgerExecutor,
  transferId: string,
  reason: string,
): Promise<HoldRow | undefined> {
  const [row] = await tx
    .insert(holds)
    .values({ transferId, amount: 0n, status: 'released', releaseReason: reason })
    .onConflictDoNothing({ target: holds.transferId })
    .returning();
  return row;
}

/**
 * Marks up to `limit` held holds past their expiry released ("expired"), skipping holds another
 * transaction has locked (a capture or release in flight). The accounts' held balances are the
 * caller's to restore, after locking them in order.
 */
export async function releaseExpiredHolds(tx: LedgerExecutor, limit: number): Promise<HoldRow[]> {
  const { rows } = await tx.execute(sql`
    with due as (
      select transfer_id from holds
      where status = 'held' and expires_at <= now()
      order by expires_at
      limit ${limit}
      for update skip locked
    )
    update holds h
    set status = 'released', release_reason = 'expired', updated_at = now()
    from due
    where h.transfer_id = due.transfer_id
    returning h.*`);
  return rows.map((row) => decodeRow(holds, row));
}
