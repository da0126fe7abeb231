/** What the ledger's statements run on: its database or an open transaction. */
import type { SchemaExecutor } from '@paymesh/platform/db/database';
import type * as schema from './schema.js';

export type LedgerExecutor = SchemaExecutor<typeof schema>;
