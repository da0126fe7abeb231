/**
 * What the ledger's use cases run on: the database (reads), the group commit (every command's
 * transaction), the outbox, the system accounts and the hold TTL.
 */
import type { Database } from '@paymesh/platform/db/database';
import type { GroupCommit } from '@paymesh/platform/db/group-commit';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import type * as schema from '../db/schema.js';
import type { SystemAccounts } from './system-accounts.js';

export interface Ledger {
  readonly db: Database<typeof schema>;
  readonly commits: GroupCommit<typeof schema>;
  readonly outbox: Outbox;
  readonly systemAccounts: SystemAccounts;
  /** How long a hold lasts before the sweep (or a late capture) releases it. */
  readonly holdTtlMs: number;
}
