/**
 * A throwaway database holding the outbox table, for the outbox's tests and benchmark. The DDL comes
 * from schema.ts through drizzle-kit, as it does in a service's migrations.
 */
import { createDatabase, type Database } from '../../db/database.js';
import { createTestDatabase } from '../../testing/postgres.js';
import { createTables } from '../../testing/schema-tables.js';
import * as schema from '../schema.js';

export interface OutboxDatabase {
  readonly url: string;
  readonly db: Database;
  /** Closes the pool and drops the database. */
  dispose(): Promise<void>;
}

export async function createOutboxDatabase(prefix = 'outbox'): Promise<OutboxDatabase> {
  const test = await createTestDatabase(prefix);
  const db = createDatabase({ url: test.url, max: 20, applicationName: 'outbox-test' });
  await createTables(db, { ...schema });
  return {
    url: test.url,
    db,
    async dispose() {
      await db.$client.end();
      await test.drop();
    },
  };
}
