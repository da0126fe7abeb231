/**
 * Tests and benchmarks: creates the tables of a drizzle schema in a fresh database with the DDL
 * drizzle-kit generates for it (the statements a service's first migration would hold), so a test
 * needs no committed migrations of its own.
 */

import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';

export async function createTables(db: Executor, schema: Record<string, unknown>): Promise<void> {
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(schema));
  for (const statement of statements) await db.execute(sql.raw(statement));
}
