/**
 * Group commit: units of work that arrive while a transaction is in flight share the next one, so
 * a busy service pays one BEGIN, one COMMIT (one WAL flush), one outbox insert and one relay wake-up
 * for many commands instead of one each. A unit still commits or rolls back as a whole, and alone:
 * the others in its group never see it fail.
 *
 * Units run one after another in the shared transaction, in arrival order, each in its own
 * OpenTelemetry context; their outbox appends are gathered and inserted once before COMMIT. When
 * one fails, the group is rolled back and run again with a savepoint around each unit: the units
 * that fail again get their error, the rest commit. A unit may therefore run more than once; only
 * one run ever commits. An error at COMMIT (a lost connection, a serialization failure) fails the
 * whole group, as it would fail a transaction of one.
 *
 * With no transaction in flight a unit starts at once, alone: a quiet service waits for nothing.
 * One group is in flight at a time, so the service's writes through it never wait on each other's
 * row locks: units that lock several rows in their own order cannot deadlock one another.
 */
import { context as otelContext } from '@opentelemetry/api';
import { sql } from 'drizzle-orm';
import { appendRows, deferAppends, type OutboxRow } from '../outbox/outbox.js';
import { counter, histogram } from '../telemetry/metrics.js';
import type { Database } from './database.js';
import { inTransaction, type Tx } from './transaction.js';

export interface GroupCommitOptions {
  /** Names the group in metrics: the service, e.g. `accounts`. */
  name: string;
  /** Units per transaction at most (default 32); under 64, the subtransactions PostgreSQL caches. */
  maxBatch?: number;
}

export interface GroupCommit<S extends Record<string, unknown>> {
  /** Runs `work` in a transaction shared with the units queued beside it; settles after COMMIT. */
  run<T>(work: (tx: Tx<S>) => Promise<T>): Promise<T>;
}

const metrics = {
  size: histogram<'group'>({
    name: 'paymesh_group_commit_units',
    help: 'Units of work committed per transaction by a group commit.',
    labelNames: ['group'],
    buckets: [1, 2, 4, 8, 16, 32, 64],
  }),
  retried: counter<'group'>({
    name: 'paymesh_group_commit_retried_total',
    help: 'Groups rolled back because a unit failed, and run again with a savepoint per unit.',
    labelNames: ['group'],
  }),
};

interface Unit<S extends Record<string, unknown>> {
  work: (tx: Tx<S>) => Promise<unknown>;
  context: ReturnType<typeof otelContext.active>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A unit's failure on the first, optimistic pass: the whole group goes again, carefully. */
class UnitFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('a unit of a group commit failed');
  }
}

export function createGroupCommit<S extends Record<string, unknown>>(
  db: Database<S>,
  options: GroupCommitOptions,
): GroupCommit<S> {
  const maxBatch = options.maxBatch ?? 32;
  if (!(maxBatch >= 1 && maxBatch <= 63)) throw new Error(`maxBatch ${maxBatch} is not within 1..63`);
  const queue: Unit<S>[] = [];
  let inFlight = false;

  const pump = () => {
    if (inFlight || queue.length === 0) return;
    const group = queue.splice(0, maxBatch);
    inFlight = true;
    void commitGroup(db, options.name, group)
      // Nothing in it should throw; if something does, no unit is left waiting (a settled one stays so).
      .catch((err: unknown) => {
        for (const unit of group) unit.reject(err);
      })
      .finally(() => {
        inFlight = false;
        pump();
      });
  };

  return {
    run<T>(work: (tx: Tx<S>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({
          work,
          context: otelContext.active(),
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        pump();
      });
    },
  };
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Commits a group: optimistically first, then, if a unit failed, with a savepoint per unit. */
async function commitGroup<S extends Record<string, unknown>>(
  db: Database<S>,
  name: string,
  group: Unit<S>[],
): Promise<void> {
  let outcomes: Outcome[];
  try {
    outcomes = await runGroup(db, group, false);
  } catch (err) {
    if (!(err instanceof UnitFailed)) {
      for (const unit of group) unit.reject(err);
      return;
    }
    // A group of one has nothing to spare: its unit failed as it would have alone.
    if (group.length === 1) {
      group[0]?.reject(err.cause);
      return;
    }
    metrics.retried.inc({ group: name });
    try {
      outcomes = await runGroup(db, group, true);
    } catch (second) {
      for (const unit of group) unit.reject(second);
      return;
    }
  }
  metrics.size.observe({ group: name }, outcomes.filter((o) => o.ok).length);
  group.forEach((unit, i) => {
    const outcome = outcomes[i] as Outcome;
    if (outcome.ok) unit.resolve(outcome.value);
    else unit.reject(outcome.error);
  });
}

/**
 * One transaction over the group's units, their events inserted before COMMIT. Optimistic, the
 * first unit to fail fails it all (UnitFailed); careful, each unit runs behind a savepoint and one
 * that fails is rolled back to it, its events dropped, while the others go on.
 */
function runGroup<S extends Record<string, unknown>>(
  db: Database<S>,
  group: Unit<S>[],
  careful: boolean,
): Promise<Outcome[]> {
  return inTransaction(db, async (tx) => {
    const rows: OutboxRow[] = [];
    const outcomes: Outcome[] = [];
    for (const unit of group) {
      if (careful) await tx.execute(sql`savepoint unit`);
      const unitRows: OutboxRow[] = [];
      try {
        outcomes.push({ ok: true, value: await runUnit(tx, unit, unitRows) });
        rows.push(...unitRows);
      } catch (error) {
        if (!careful) throw new UnitFailed(error);
        await tx.execute(sql`rollback to savepoint unit`);
        outcomes.push({ ok: false, error });
      }
    }
    await appendRows(tx, rows);
    return outcomes;
  });
}

/** Runs a unit in its caller's context, gathering its outbox appends into `rows`. */
async function runUnit<S extends Record<string, unknown>>(
  tx: Tx<S>,
  unit: Unit<S>,
  rows: OutboxRow[],
): Promise<unknown> {
  const restore = deferAppends(tx, rows);
  try {
    return await otelContext.with(unit.context, () => unit.work(tx));
  } finally {
    restore();
  }
}
