/** The prune-quotes job: deletes quotes long expired, a batch per pass. */
import type { Database } from '@paymesh/platform/db/database';
import type { JobSpec } from '@paymesh/platform/jobs/periodic-job';
import { deleteExpiredQuotes } from '../db/quotes-repo.js';
import type * as schema from '../db/schema.js';

export interface PruneQuotesOptions {
  /** How long a quote is kept after its expiry. */
  retentionMs: number;
  intervalMs: number;
  batchSize: number;
}

export function pruneQuotesJob(db: Database<typeof schema>, options: PruneQuotesOptions): JobSpec {
  return {
    name: 'prune-quotes',
    intervalMs: options.intervalMs,
    // A full batch means more may be left: the job runs again at once.
    run: async () =>
      (await deleteExpiredQuotes(db, options.retentionMs, options.batchSize)) === options.batchSize,
  };
}
