import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { create, fromBinary } from '@bufbuild/protobuf';
import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { ViolationsSchema } from '@paymesh/proto/paymesh/validate/v1/validate_pb';
import { asc } from 'drizzle-orm';
import pg from 'pg';
import { waitFor } from '../testing/wait-for.js';
import { createOutbox, OUTBOX_CHANNEL, type OutboxEvent } from './outbox.js';
import { partitionOf } from './partition.js';
import { outbox as outboxTable } from './schema.js';
import { entryRecorded } from './testing/entry-events.js';
import { createOutboxDatabase, type OutboxDatabase } from './testing/outbox-database.js';

describe('outbox append', () => {
  let database: OutboxDatabase;
  const outbox = createOutbox({ namespace: 'paymesh', context: 'fixture' });
  const rows = () => database.db.select().from(outboxTable).orderBy(asc(outboxTable.seq));

  before(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    database = await createOutboxDatabase();
  });
  after(async () => {
    await database?.dispose();
  });

  test('an appended event is stored with its subject, partition, type, schema, payload and trace context', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const spanId = 'b7ad6b7169203331';
    const traced = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
    const [id] = await context.with(traced, () =>
      database.db.transaction((tx) => outbox.append(tx, entryRecorded('acc-1', 7))),
    );

    const row = (await rows()).find((r) => r.id === id);
    assert.ok(row, 'the event is in the outbox');
    assert.equal(row.subject, 'paymesh.fixture.acc-1');
    assert.equal(row.aggregateId, 'acc-1');
    assert.equal(row.partition, partitionOf('acc-1'));
    assert.equal(row.eventType, 'EntryRecorded');
    assert.equal(row.schema, 'paymesh.fixture.v1.EntryRecorded');
    assert.equal(fromBinary(EntryRecordedSchema, row.payload).amount, 7n);
    assert.equal(row.headers.traceparent, `00-${traceId}-${spanId}-01`);
    assert.equal(row.publishedAt, null);
    assert.equal(row.attempts, 0);
  });

  test('events appended together are stored in the order given', async () => {
    const ids = await database.db.transaction((tx) =>
      outbox.append(tx, entryRecorded('acc-2', 1), entryRecorded('acc-3', 1), entryRecorded('acc-2', 2)),
    );
    const stored = (await rows()).filter((r) => ids.includes(r.id)).map((r) => r.id);
    assert.deepEqual(stored, ids);
  });

  test('a rolled-back transaction leaves no event behind', async () => {
    let appended: string[] = [];
    await assert.rejects(
      database.db.transaction(async (tx) => {
        appended = await outbox.append(tx, entryRecorded('acc-4', 1));
        throw new Error('domain rule broken');
      }),
      /domain rule broken/,
    );
    assert.equal(appended.length, 1);
    assert.equal((await rows()).filter((r) => appended.includes(r.id)).length, 0);
  });

  test('a commit notifies the outbox channel', async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    try {
      let notified = 0;
      listener.on('notification', (n) => {
        if (n.channel === OUTBOX_CHANNEL) notified++;
      });
      await listener.query(`listen ${OUTBOX_CHANNEL}`);
      await database.db.transaction((tx) => outbox.append(tx, entryRecorded('acc-5', 1)));
      await waitFor('the notification', () => notified > 0);
    } finally {
      await listener.end();
    }
  });

  test('an append to an aggregate waits for an uncommitted append to it, so seq order is commit order', async () => {
    let releaseFirst = () => {};
    const firstHolds = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstAppended = () => {};
    const appendedFirst = new Promise<void>((resolve) => {
      firstAppended = resolve;
    });
    let secondCommitted = false;
    const first = database.db.transaction(async (tx) => {
      const ids = await outbox.append(tx, entryRecorded('acc-6', 1));
      firstAppended();
      await firstHolds;
      return ids;
    });
    await appendedFirst;
    const second = database.db
      .transaction((tx) => outbox.append(tx, entryRecorded('acc-6', 2)))
      .then((ids) => {
        secondCommitted = true;
        return ids;
      });
    await waitFor('the second append to wait for a lock', async () => {
      const { rows: waiting } = await database.db.$client.query(
        `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return waiting.length > 0;
    });
    assert.equal(secondCommitted, false);
    releaseFirst();
    const [firstId] = await first;
    const [secondId] = await second;
    const order = (await rows()).filter((r) => r.aggregateId === 'acc-6').map((r) => r.id);
    assert.deepEqual(order, [firstId, secondId]);
  });

  test('an event whose message is not of its schema is refused', async () => {
    const wrong = {
      schema: EntryRecordedSchema,
      message: create(ViolationsSchema),
      aggregateId: 'acc-7',
    } as unknown as OutboxEvent<typeof EntryRecordedSchema>;
    await assert.rejects(
      database.db.transaction((tx) => outbox.append(tx, wrong)),
      /not a paymesh\.fixture\.v1\.EntryRecorded message/,
    );
  });

  test('an aggregate id that is not a subject token is refused', async () => {
    await assert.rejects(
      database.db.transaction((tx) => outbox.append(tx, entryRecorded('acc.8', 1))),
      /not a valid subject token/,
    );
  });
});
