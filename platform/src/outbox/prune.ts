/**
 * Pruning: published rows are kept for a retention period (to look into what was sent), then
 * deleted in chunks so one prune never holds many locks or a long transaction. Pending rows are
 * never touched, however old.
 */
import type pg from 'pg';

/** Deletes rows published more than `retentionMs` ago; returns how many. */
export async function pruneOutbox(pool: pg.Pool, retentionMs: number, chunk = 5_000): Promise<number> {
  let pruned = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `delete from outbox where seq in (
         select seq from outbox
         where published_at < clock_timestamp() - $1 * interval '1 millisecond'
         limit $2)`,
      [retentionMs, chunk],
    );
    pruned += rowCount ?? 0;
    if ((rowCount ?? 0) < chunk) return pruned;
  }
}
