/**
 * Reading and writing transfers. Every write of a saga is a guarded transition: it names the state
 * it expects, so two drivers of one transfer can never both move it.
 */
import type { Database, SchemaExecutor } from '@paymesh/platform/db/database';
import { decodeRow } from '@paymesh/platform/db/decode-row';
import { and, asc, desc, eq, inArray, isNull, lt, lte, or, type SQLWrapper, sql } from 'drizzle-orm';
import { activeStates, type TransferStateName } from '../domain/transfer-state.js';
import type * as schema from './schema.js';
import { transferSteps, transfers } from './schema.js';

export type TransferRow = typeof transfers.$inferSelect;
export type NewTransferRow = typeof transfers.$inferInsert;
export type StepRow = typeof transferSteps.$inferSelect;
export type NewStep = Omit<typeof transferSteps.$inferInsert, 'transferId' | 'id' | 'at'>;
export type TransferDb = Database<typeof schema>;

/** What a transition may set besides the state. */
export type TransferPatch = Partial<
  Pick<
    TransferRow,
    | 'destinationAmount'
    | 'destinationCurrency'
    | 'fxRate'
    | 'quoteId'
    | 'flaggedForReview'
    | 'failureReason'
    | 'failureMessage'
  >
>;

type Executor = SchemaExecutor<typeof schema>;

export async function findTransfer(db: Executor, transferId: string): Promise<TransferRow | undefined> {
  const [row] = await db.select().from(transfers).where(eq(transfers.transferId, transferId));
  return row;
}

export async function findByIdempotencyKey(db: Executor, key: string): Promise<TransferRow | undefined> {
  const [row] = await db.select().from(transfers).where(eq(transfers.idempotencyKey, key));
  return row;
}

/** Inserts a new transfer unless its idempotency key exists; returns it when this call inserted it. */
export async function insertTransfer(
  tx: Executor,
  row: NewTransferRow,
  leaseMs: number,
): Promise<TransferRow | undefined> {
  const [inserted] = await tx
    .insert(transfers)
    .values({
      ...row,
      leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
      nextAttemptAt: sql`now() + ${leaseMs} * interval '1 millisecond'`,
    })
    .onConflictDoNothing({ target: transfers.idempotencyKey })
    .returning();
  return inserted;
}

/**
 * Takes the lease of an active transfer nobody holds and whose next attempt is due; undefined when
 * it is terminal, held, or waiting out a retry backoff.
 */
export async function claimTransfer(
  db: Executor,
  transferId: string,
  leaseMs: number,
): Promise<TransferRow | undefined> {
  const [row] = await db
    .update(transfers)
    .set({ leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'` })
    .where(
      and(
        eq(transfers.transferId, transferId),
        inArray(transfers.state, [...activeStates]),
        or(isNull(transfers.leaseUntil), lt(transfers.leaseUntil, sql`now()`)),
        or(isNull(transfers.nextAttemptAt), lte(transfers.nextAttemptAt, sql`now()`)),
      ),
    )
    .returning();
  return row;
}

/**
 * Moves a transfer from `from` to `to` and records `steps`, in one statement; undefined (and no
 * step recorded) when it was not in `from` any more.
 */
export async function transition(
  tx: Executor,
  transferId: string,
  from: TransferStateName,
  to: TransferStateName,
  patch: TransferPatch,
  leaseMs: number | undefined,
  steps: readonly NewStep[],
): Promise<TransferRow | undefined> {
  const lease = leaseMs === undefined ? null : sql`now() + ${leaseMs} * interval '1 millisecond'`;
  const update = tx
    .update(transfers)
    .set({
      ...patch,
      state: to,
      attempts: 0,
      leaseUntil: lease,
      nextAttemptAt: lease,
      updatedAt: sql`now()`,
    })
    .where(and(eq(transfers.transferId, transferId), eq(transfers.state, from)))
    .returning();
  return updateWithSteps(tx, update, steps);
}

/**
 * Leaves a transfer where it is after a transient failure, to be tried again after `delayMs`, and
 * records `steps`, in one statement; undefined when it was not in `from` any more.
 */
export async function postpone(
  tx: Executor,
  transferId: string,
  from: TransferStateName,
  delayMs: number,
  steps: readonly NewStep[],
): Promise<TransferRow | undefined> {
  const update = tx
    .update(transfers)
    .set({
      attempts: sql`${transfers.attempts} + 1`,
      leaseUntil: null,
      nextAttemptAt: sql`now() + ${delayMs} * interval '1 millisecond'`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(transfers.transferId, transferId), eq(transfers.state, from)))
    .returning();
  return updateWithSteps(tx, update, steps);
}

/** Runs an update of one transfer and, only if it matched, inserts its steps in their order. */
async function updateWithSteps(
  tx: Executor,
  update: SQLWrapper,
  steps: readonly NewStep[],
): Promise<TransferRow | undefined> {
  const { rows } = await tx.execute(sql`
    with moved as (${update.getSQL()}),
    recorded as (
      insert into transfer_steps (transfer_id, name, status, detail, attempt)
      select moved.transfer_id, s.name, s.status, s.detail, s.attempt
      from moved,
           unnest(${sql.param(steps.map((st) => st.name))}::text[], ${sql.param(steps.map((st) => st.status))}::text[],
                  ${sql.param(steps.map((st) => st.detail ?? ''))}::text[], ${sql.param(steps.map((st) => st.attempt))}::int[])
             with ordinality as s(name, status, detail, attempt, n)
      order by s.n)
    select * from moved`);
  const [raw] = rows as Record<string, unknown>[];
  return raw ? decodeRow(transfers, raw) : undefined;
}

export async function listSteps(db: Executor, transferId: string): Promise<StepRow[]> {
  return db
    .select()
    .from(transferSteps)
    .where(eq(transferSteps.transferId, transferId))
    .orderBy(asc(transferSteps.id));
}

/** Active transfers due for another attempt whose lease has lapsed, oldest due first. */
export async function dueTransfers(db: Executor, limit: number): Promise<string[]> {
  const rows = await db
    .select({ transferId: transfers.transferId })
    .from(transfers)
    .where(
      and(
        inArray(transfers.state, [...activeStates]),
        lte(transfers.nextAttemptAt, sql`now()`),
        or(isNull(transfers.leaseUntil), lt(transfers.leaseUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(transfers.nextAttemptAt))
    .limit(limit);
  return rows.map((r) => r.transferId);
}

/** A page of an account's transfers, newest first, after `before` when given. */
export async function listTransfersOfAccount(
  db: Executor,
  accountId: string,
  limit: number,
  before: { createdAt: Date; transferId: string } | undefined,
): Promise<TransferRow[]> {
  const ofAccount = or(
    eq(transfers.sourceAccountId, accountId),
    eq(transfers.destinationAccountId, accountId),
  );
  const after = before
    ? sql`(${transfers.createdAt}, ${transfers.transferId}) < (${before.createdAt}, ${before.transferId})`
    : undefined;
  return db
    .select()
    .from(transfers)
    .where(and(ofAccount, after))
    .orderBy(desc(transfers.createdAt), desc(transfers.transferId))
    .limit(limit);
}
