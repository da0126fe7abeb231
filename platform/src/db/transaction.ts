/**
 * The one way to run a transaction: drizzle's, on a connection checked out here so that it goes back
 * to the pool even when BEGIN fails (drizzle 0.45 leaks it then). A connection that dies mid-way
 * fails the transaction; the pool discards it.
 */
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle, type NodePgDatabase, type NodePgTransaction } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Database } from './database.js';

/** An open transaction over a service's schema. */
export type Tx<S extends Record<string, unknown>> = NodePgTransaction<S, ExtractTablesWithRelations<S>>;

const sessions = new WeakMap<pg.PoolClient, NodePgDatabase<Record<string, unknown>>>();

export async function inTransaction<S extends Record<string, unknown>, T>(
  db: Database<S>,
  work: (tx: Tx<S>) => Promise<T>,
): Promise<T> {
  const client = await db.$client.connect();
  try {
    let session = sessions.get(client) as NodePgDatabase<S> | undefined;
    if (!session) {
      session = drizzle({ client, schema: db._.fullSchema });
      sessions.set(client, session as NodePgDatabase<Record<string, unknown>>);
    }
    return await session.transaction(work);
  } finally {
    client.release();
  }
}
