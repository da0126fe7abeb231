/**
 * Statements over the journal: posting a capture or a credit (entry, lines and balances in one
 * statement) and reading an entry back for an idempotent repeat.
 */

import { decodeRow } from '@paymesh/platform/db/decode-row';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { BalanceChange, Posting } from '../domain/postings.js';
import { balanceUpdate } from './accounts-repo.js';
import type { LedgerExecutor } from './ledger-executor.js';
import { type AccountRow, accounts, type HoldRow, holds, journalEntries, postings } from './schema.js';

/** The INSERT of an entry's lines, numbered in order; a CTE member. */
function linesInsert(entryId: SQL, lines: readonly Posting[]) {
  return sql`insert into postings (entry_id, line, account_id, amount, currency)
    select ${entryId}, l.line, l.account_id, l.amount, l.currency
    from unnest(
      ${sql.param(lines.map((_, i) => i + 1))}::smallint[],
      ${sql.param(lines.map((p) => p.accountId))}::uuid[],
      ${sql.param(lines.map((p) => p.amount.toString()))}::bigint[],
      ${sql.param(lines.map((p) => p.currency))}::text[]
    ) as l(line, account_id, amount, currency)`;
}

/**
 * Posts the transfer's capture: the journal entry, its lines, the balance changes (the hold's
 * amount leaving the source's held balance included) and the hold marked captured, in one
 * statement. The hold and the accounts must be locked already.
 */
export async function postCapture(
  tx: LedgerExecutor,
  capture: {
    entryId: string;
    transferId: string;
    lines: readonly Posting[];
    changes: readonly BalanceChange[];
    destinationAccountId: string;
    destinationAmount: bigint;
    destinationCurrency: string;
  },
): Promise<HoldRow> {
  const { rows } = await tx.execute(sql`
    with entry as (
      insert into journal_entries (entry_id, kind, transfer_id)
      values (${capture.entryId}, 'capture', ${capture.transferId})
    ), lines as (
      ${linesInsert(sql`${capture.entryId}::uuid`, capture.lines)}
    ), balances as (
      ${balanceUpdate(capture.changes)}
    )
    update holds
    set status = 'captured', destination_account_id = ${capture.destinationAccountId},
        destination_amount = ${capture.destinationAmount.toString()}::bigint,
        destination_currency = ${capture.destinationCurrency}, updated_at = now()
    where transfer_id = ${capture.transferId} and status = 'held'
    returning *`);
  const [row] = rows;
  if (!row) throw new Error(`hold of transfer ${capture.transferId} was not held while locked`);
  return decodeRow(holds, row);
}

/**
 * Posts a credit unless `creditId` was posted before: the entry (keyed by credit id), its lines
 * and the balance changes, in one statement. The accounts must be locked already. Returns the
 * credited accounts as updated, or undefined when the credit existed (nothing written).
 */
export async function postCredit(
  tx: LedgerExecutor,
  credit: {
    entryId: string;
    creditId: string;
    reference: string;
    lines: readonly Posting[];
    changes: readonly BalanceChange[];
  },
): Promise<AccountRow[] | undefined> {
  const { rows } = await tx.execute(sql`
    with entry as (
      insert into journal_entries (entry_id, kind, credit_id, reference)
      values (${credit.entryId}, 'credit', ${credit.creditId}, ${credit.reference})
      on conflict (credit_id) do nothing
      returning entry_id
    ), lines as (
      ${linesInsert(sql`(select entry_id from entry)`, credit.lines)}
      where exists (select 1 from entry)
    ), balances as (
      ${balanceUpdate(credit.changes)} and exists (select 1 from entry)
      returning a.*
    )
    select * from balances`);
  return rows.length === 0 ? undefined : rows.map((row) => decodeRow(accounts, row));
}

/** The lines of an entry, in the order they were posted. */
async function linesOf(tx: LedgerExecutor, entryId: string): Promise<Posting[]> {
  return tx
    .select({ accountId: postings.accountId, amount: postings.amount, currency: postings.currency })
    .from(postings)
    .where(eq(postings.entryId, entryId))
    .orderBy(asc(postings.line));
}

/** The lines the transfer's capture posted; empty when it has none. */
export async function capturePostingsOf(tx: LedgerExecutor, transferId: string): Promise<Posting[]> {
  const [entry] = await tx
    .select({ entryId: journalEntries.entryId })
    .from(journalEntries)
    .where(and(eq(journalEntries.kind, 'capture'), eq(journalEntries.transferId, transferId)));
  return entry ? linesOf(tx, entry.entryId) : [];
}

/** A credit posted before: what it was for and its lines; undefined when `creditId` is new. */
export async function findCredit(
  tx: LedgerExecutor,
  creditId: string,
): Promise<{ reference: string; lines: Posting[] } | undefined> {
  const [entry] = await tx
    .select({ entryId: journalEntries.entryId, reference: journalEntries.reference })
    .from(journalEntries)
    .where(and(eq(journalEntries.kind, 'credit'), eq(journalEntries.creditId, creditId)));
  return entry ? { reference: entry.reference ?? '', lines: await linesOf(tx, entry.entryId) } : undefined;
}
