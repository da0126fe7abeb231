/** What is waiting in the outbox: how much, how old, and whether given rows are still pending. */
import type pg from 'pg';

export interface Backlog {
  /** Rows not yet published. */
  pending: number;
  /** Age of the oldest of them in seconds; 0 when none is pending. */
  oldestAgeSeconds: number;
}

export async function readBacklog(pool: pg.Pool): Promise<Backlog> {
  const { rows } = await pool.query<{ pending: number; age: number | null }>(
    `select count(*)::int as pending,
            extract(epoch from clock_timestamp() - min(occurred_at))::float8 as age
     from outbox where published_at is null`,
  );
  const row = rows[0];
  return { pending: row?.pending ?? 0, oldestAgeSeconds: Math.max(0, row?.age ?? 0) };
}

/** The `seq` of the newest pending row, or undefined when nothing is pending. */
export async function newestPendingSeq(pool: pg.Pool): Promise<string | undefined> {
  const { rows } = await pool.query<{ seq: string | null }>(
    'select max(seq) as seq from outbox where published_at is null',
  );
  return rows[0]?.seq ?? undefined;
}

/** Whether any row up to `seq` is still pending. */
export async function pendingThrough(pool: pg.Pool, seq: string): Promise<boolean> {
  const { rows } = await pool.query<{ pending: boolean }>(
    'select exists (select 1 from outbox where published_at is null and seq <= $1) as pending',
    [seq],
  );
  return rows[0]?.pending ?? false;
}
