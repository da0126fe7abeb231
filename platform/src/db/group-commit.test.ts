import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { asc, inArray, sql } from 'drizzle-orm';
import { createOutbox } from '../outbox/outbox.js';
import { outbox as outboxTable } from '../outbox/schema.js';
import { entryRecorded } from '../outbox/testing/entry-events.js';
import { createOutboxDatabase, type OutboxDatabase } from '../outbox/testing/outbox-database.js';
import { pgErrorCode } from './database.js';
import { createGroupCommit } from './group-commit.js';
import type { Tx } from './transaction.js';

describe('group commit', () => {
  let database: OutboxDatabase;
  const outbox = createOutbox({ namespace: 'paymesh', context: 'fixture' });

  before(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    database = await createOutboxDatabase('group_commit');
    await database.db.execute(
      sql`create table items (id text primary key, amount int not null check (amount >= 0))`,
    );
    await database.db.execute(
      sql`create table once (id int, constraint once_id unique (id) deferrable initially deferred)`,
    );
  });
  after(async () => {
    await database?.dispose();
  });

  type AnyTx = Tx<Record<string, unknown>>;
  const txid = async (tx: AnyTx) =>
    String(((await tx.execute(sql`select txid_current() as id`)).rows[0] as { id: string }).id);
  const insert = (tx: AnyTx, id: string, amount: number) =>
    tx.execute(sql`insert into items (id, amount) values (${id}, ${amount})`);
  const stored = async (ids: string[]) =>
    (
      await database.db.execute(
        sql`select id from items where id = any(${sql.param(ids)}::text[]) order by id`,
      )
    ).rows.map((r) => (r as { id: string }).id);
  const eventsOf = (aggregates: string[]) =>
    database.db
      .select()
      .from(outboxTable)
      .where(inArray(outboxTable.aggregateId, aggregates))
      .orderBy(asc(outboxTable.seq));

  /** Starts a unit that keeps the only lane busy until `release` is called, so others queue behind it. */
  const occupy = (group: ReturnType<typeof createGroupCommit>) => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const done = group.run(async (tx) => {
      started();
      await held;
      return txid(tx);
    });
    return { running, release, done };
  };

  test('units that queue while a transaction is in flight share the next one, each with its own result', async () => {
    const group = createGroupCommit(database.db, { name: 'test_shared' });
    const first = occupy(group);
    await first.running;
    const ids = Array.from({ length: 10 }, (_, i) => `shared-${i}`);
    const queued = ids.map((id, i) =>
      group.run(async (tx) => {
        await insert(tx, id, i);
        return { id, txid: await txid(tx) };
      }),
    );
    first.release();
    const firstTx = await first.done;
    const results = await Promise.all(queued);

    assert.deepEqual(
      results.map((r) => r.id),
      ids,
    );
    assert.equal(
      new Set(results.map((r) => r.txid)).size,
      1,
      'the queued units committed in one transaction',
    );
    assert.notEqual(results[0]?.txid, firstTx, 'the unit in flight had a transaction of its own');
    assert.deepEqual(await stored(ids), [...ids].sort());
  });

  test('a unit that fails fails alone: the others of its group commit, with their events', async () => {
    const group = createGroupCommit(database.db, { name: 'test_alone' });
    const first = occupy(group);
    await first.running;
    const unit = (id: string, amount: number, fail?: string) =>
      group.run(async (tx) => {
        await insert(tx, id, amount);
        await outbox.append(tx, entryRecorded(id, Math.abs(amount)));
        if (fail) throw new Error(fail);
        return id;
      });
    const units = [
      unit('alone-a', 1),
      unit('alone-b', -1), // breaks the CHECK
      unit('alone-c', 2),
      unit('alone-d', 3, 'refused by the domain'),
      unit('alone-e', 4),
    ];
    first.release();
    await first.done;
    const outcomes = await Promise.allSettled(units);

    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(pgErrorCode((outcomes[1] as PromiseRejectedResult).reason), '23514');
    assert.equal((outcomes[3] as PromiseRejectedResult).reason.message, 'refused by the domain');
    const all = ['alone-a', 'alone-b', 'alone-c', 'alone-d', 'alone-e'];
    assert.deepEqual(await stored(all), ['alone-a', 'alone-c', 'alone-e']);
    assert.deepEqual(
      (await eventsOf(all)).map((e) => e.aggregateId),
      ['alone-a', 'alone-c', 'alone-e'],
      "only the committed units' events are in the outbox, in their order",
    );
  });

  test('a lone unit that fails gets its own error and leaves nothing behind', async () => {
    const group = createGroupCommit(database.db, { name: 'test_lone' });
    await assert.rejects(
      group.run(async (tx) => {
        await insert(tx, 'lone', 1);
        await outbox.append(tx, entryRecorded('lone', 1));
        throw new Error('no');
      }),
      /^Error: no$/,
    );
    assert.deepEqual(await stored(['lone']), []);
    assert.deepEqual(await eventsOf(['lone']), []);
  });

  test("each unit's events carry its own trace context and keep the order of the units", async () => {
    const group = createGroupCommit(database.db, { name: 'test_trace' });
    const first = occupy(group);
    await first.running;
    const traced = (i: number) =>
      trace.setSpanContext(ROOT_CONTEXT, {
        traceId: `${String(i).padStart(2, '0')}f7651916cd43dd8448eb211c80319c`,
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
      });
    const units = [1, 2, 3].map((i) =>
      context.with(traced(i), () =>
        group.run((tx) => outbox.append(tx, entryRecorded('traced', i), entryRecorded(`traced-${i}`, i))),
      ),
    );
    first.release();
    await Promise.all(units);
    const rows = await eventsOf(['traced', 'traced-1', 'traced-2', 'traced-3']);
    assert.deepEqual(
      rows.map((r) => r.aggregateId),
      ['traced', 'traced-1', 'traced', 'traced-2', 'traced', 'traced-3'],
    );
    assert.deepEqual(
      rows.map((r) => r.headers.traceparent?.slice(3, 5)),
      ['01', '01', '02', '02', '03', '03'],
    );
  });

  test('an error at COMMIT fails every unit of the group and commits none', async () => {
    const group = createGroupCommit(database.db, { name: 'test_commit' });
    const first = occupy(group);
    await first.running;
    // Each unit is fine alone; together they break a constraint only checked at COMMIT.
    const units = ['commit-a', 'commit-b'].map((id) =>
      group.run(async (tx) => {
        await insert(tx, id, 1);
        await tx.execute(sql`insert into once (id) values (1)`);
      }),
    );
    first.release();
    await first.done;
    const outcomes = await Promise.allSettled(units);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.equal(pgErrorCode(outcome.reason), '23505');
    }
    assert.deepEqual(await stored(['commit-a', 'commit-b']), []);
  });

  test('refuses a group larger than PostgreSQL caches subtransactions for', () => {
    assert.throws(() => createGroupCommit(database.db, { name: 'test_big', maxBatch: 64 }), /maxBatch 64/);
  });
});
