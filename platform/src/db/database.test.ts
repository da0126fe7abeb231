import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';
import { createDatabase, type Database } from './database.js';

describe('database pool', () => {
  let database: TestDatabase;
  let db: Database;

  before(async () => {
    database = await createTestDatabase('db_pool');
    // One connection, so every statement below runs on it.
    db = createDatabase({ url: database.url, max: 1 });
  });
  after(async () => {
    await db?.$client.end();
    await database?.drop();
  });

  const prepared = async () =>
    (
      await db.execute(
        sql`select statement from pg_prepared_statements where statement not like '%pg_prepared_statements%'`,
      )
    ).rows.map((row) => String((row as { statement: string }).statement));

  test('a parameterized statement is prepared once on its connection and reused', async () => {
    for (const n of [1, 2, 3]) {
      const { rows } = await db.execute(sql`select ${n}::int + 1 as next`);
      assert.equal((rows[0] as { next: number }).next, n + 1);
    }
    const statements = await prepared();
    assert.equal(statements.filter((s) => s.includes('$1::int + 1')).length, 1);
  });

  test('a statement without parameters is not prepared', async () => {
    await db.execute(sql`select 42 as answer`);
    assert.ok(!(await prepared()).some((s) => s.includes('42 as answer')));
  });

  test('past its cap a connection runs new statements unprepared, and they still answer', async () => {
    for (let i = 0; i < 300; i++) {
      // The literal makes each text distinct.
      const { rows } = await db.execute(sql`select ${i}::int + ${sql.raw(String(i))} as v`);
      assert.equal((rows[0] as { v: number }).v, 2 * i);
    }
    assert.ok((await prepared()).length <= 256);
  });
});
