import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { create, fromBinary } from '@bufbuild/protobuf';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { EchoRequestSchema } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { EventHeader } from '../events/envelope.js';
import { eventNames } from '../events/naming.js';
import { connectBus } from '../nats/connection.js';
import { SHARED_NATS_URL } from '../testing/nats.js';
import { startConsumer } from './consumer.js';
import { consumerMetrics } from './consumer-metrics.js';
import { eventHandlers } from './handlers.js';
import {
  CONTEXT,
  counterValue,
  createHarness,
  type Entry,
  type Harness,
  type HarnessSchema,
  recordEntry,
  seededRandom,
  waitFor,
} from './testing/harness.js';
import { publishEvent } from './testing/publish-event.js';

describe('event consumer', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ poolSize: 12 });
  });
  afterEach(async () => {
    await h.close();
  });

  const start = (name: string, options: { concurrency?: number; ackWaitMs?: number } = {}) =>
    h.startConsumer({
      name,
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, recordEntry(name)),
      ...options,
    });

  it('applies an event published twice under different Nats-Msg-Ids exactly once', async () => {
    const name = 'twice';
    const consumer = await start(name);
    const entry: Entry = { entryId: 'e-twice', accountId: 'acc-twice', amount: 250n };
    const first = await h.publishEntry(entry);
    const second = await h.publishEntry(entry, { eventId: first.eventId, msgId: `${first.eventId}-again` });
    assert.equal(second.duplicate, false, 'the broker stored both copies');
    await h.settled(name);
    await consumer.stop();

    assert.deepEqual(await h.applied(name), [{ entryId: 'e-twice', accountId: 'acc-twice', times: 1 }]);
    assert.equal(await counterValue(consumerMetrics.skipped, { consumer: name, reason: 'duplicate' }), 1);
  });

  it('applies an event once when the connection drops after its commit and before its ack', async () => {
    const name = 'lost_ack';
    const entry: Entry = { entryId: 'e-lost-ack', accountId: 'acc-lost-ack', amount: 10n };
    const doomed = await connectBus(SHARED_NATS_URL, 'doomed');
    const handle = recordEntry(name);
    const first = await h.startConsumer({
      bus: doomed,
      name,
      ackWaitMs: 1_000,
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, async (event, tx, meta) => {
        await handle(event, tx, meta);
        // The transaction commits after this returns; the ack that follows has no connection.
        await doomed.nc.close();
      }),
    });
    await h.publishEntry(entry);
    await waitFor('the first delivery to commit', async () => (await h.applied(name)).length === 1);
    await first.stop();

    const second = await start(name, { ackWaitMs: 1_000 });
    await waitFor(
      'the redelivery to be deduplicated',
      async () =>
        (await counterValue(consumerMetrics.skipped, { consumer: name, reason: 'duplicate' })) === 1,
    );
    await h.settled(name);
    await second.stop();

    assert.deepEqual(await h.applied(name), [{ entryId: 'e-lost-ack', accountId: 'acc-lost-ack', times: 1 }]);
    assert.equal(await counterValue(consumerMetrics.redelivered, { consumer: name }), 1);
  });

  it('acks events of a type it has no handler for without applying or retrying them', async () => {
    const name = 'unhandled';
    const consumer = await start(name);
    await publishEvent(h.bus.streams, h.namespace, CONTEXT, EchoRequestSchema, create(EchoRequestSchema), {
      aggregateId: 'acc-unhandled',
    });
    await h.publishEntry({ entryId: 'e-handled', accountId: 'acc-unhandled', amount: 1n });
    await h.settled(name);
    await consumer.stop();

    assert.deepEqual(
      (await h.applied(name)).map((r) => r.entryId),
      ['e-handled'],
    );
    assert.equal(await h.inboxCount(name), 1);
    assert.equal(await counterValue(consumerMetrics.skipped, { consumer: name, reason: 'unhandled' }), 1);
    assert.equal(await counterValue(consumerMetrics.retried, { consumer: name }), 0);
  });

  it('a failing event in a batch holds back none of the others', async () => {
    const name = 'batch_isolation';
    const entries: Entry[] = Array.from({ length: 20 }, (_, i) => ({
      entryId: `e-batch-${i}`,
      accountId: `acc-batch-${i % 5}`,
      amount: 1n,
    }));
    for (const e of entries) await h.publishEntry(e);
    const handle = recordEntry(name);
    const consumer = await h.startConsumer({
      name,
      concurrency: 1,
      batchSize: 32,
      maxDeliveries: 2,
      backoff: { initialMs: 20 },
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, async (event, tx, meta) => {
        await handle(event, tx, meta);
        if (event.entryId === 'e-batch-7') throw new Error('e-batch-7 cannot be applied');
      }),
    });
    await waitFor('the failing event to be dead-lettered', async () => (await h.deadLetters()).length === 1);
    await h.settled(name);
    await consumer.stop();

    const applied = await h.applied(name);
    assert.deepEqual(
      applied.map((r) => r.entryId).sort(),
      entries
        .map((e) => e.entryId)
        .filter((id) => id !== 'e-batch-7')
        .sort(),
    );
    assert.ok(applied.every((r) => r.times === 1));
    assert.match((await h.deadLetters())[0]?.reason ?? '', /e-batch-7 cannot be applied/);
  });

  it('applies 500 events across 20 accounts exactly once with concurrency, each account in order', async () => {
    const name = 'many';
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    console.log(`seed=${seed}`);
    const random = seededRandom(seed);
    const entries: Entry[] = Array.from({ length: 500 }, (_, i) => ({
      entryId: `e-many-${i}`,
      accountId: `acc-many-${Math.floor(random() * 20)}`,
      amount: BigInt(1 + Math.floor(random() * 10_000)),
    }));
    await Promise.all(entries.map((e) => h.publishEntry(e)));
    // Publishing concurrently scrambles the stream order; each account's order is the stream's.
    const consumer = await start(name, { concurrency: 8 });
    await h.settled(name, 30_000);
    await consumer.stop();

    const applied = await h.applied(name);
    assert.equal(applied.length, 500);
    assert.ok(
      applied.every((r) => r.times === 1),
      'no entry applied twice',
    );
    const info = await h.consumerInfo(name);
    assert.equal(info.num_redelivered, 0);

    const expected = new Map<string, bigint>();
    for (const e of entries) expected.set(e.accountId, (expected.get(e.accountId) ?? 0n) + e.amount);
    const rows = await h.db.query.balances.findMany();
    for (const row of rows.filter((r) => r.accountId.startsWith('acc-many-'))) {
      assert.equal(row.balance, expected.get(row.accountId), `balance of ${row.accountId}`);
    }
    assert.equal(rows.filter((r) => r.accountId.startsWith('acc-many-')).length, expected.size);

    const streamOrder = await entryIdsInStreamOrder(h);
    for (const account of expected.keys()) {
      const appliedOrder = applied.filter((r) => r.accountId === account).map((r) => r.entryId);
      const published = streamOrder.filter(
        (id) => entries.find((e) => e.entryId === id)?.accountId === account,
      );
      assert.deepEqual(appliedOrder, published, `order of ${account}`);
    }
  });

  it('stop() under load loses nothing: acked events are committed, the rest apply after a restart', async () => {
    const name = 'stop_under_load';
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    console.log(`seed=${seed}`);
    const random = seededRandom(seed);
    const total = 400;
    const entries: Entry[] = Array.from({ length: total }, (_, i) => ({
      entryId: `e-stop-${i}`,
      accountId: `acc-stop-${Math.floor(random() * 25)}`,
      amount: 1n,
    }));
    for (const e of entries) await h.publishEntry(e);

    let running = 0;
    const handle = recordEntry(name);
    const slowHandlers = eventHandlers<HarnessSchema>().on(EntryRecordedSchema, async (event, tx, meta) => {
      running++;
      try {
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(random() * 20)));
        await handle(event, tx, meta);
      } finally {
        running--;
      }
    });
    const options = {
      db: h.db,
      bus: h.bus,
      logger: h.logger,
      namespace: h.namespace,
      context: CONTEXT,
      name,
      // Small batches and few workers keep the received-but-unapplied backlog well under `total`.
      concurrency: 4,
      batchSize: 4,
      ackWaitMs: 2_000,
      handlers: slowHandlers,
    };
    const first = await startConsumer(options);
    await waitFor('100 events to be applied', async () => (await h.inboxCount(name)) >= 100);
    await first.stop();

    assert.equal(running, 0, 'no handler is still running after stop()');
    const committed = new Set((await h.applied(name)).map((r) => r.entryId));
    assert.ok(committed.size < total, 'stop() came before the consumer had drained the stream');
    const { ack_floor } = await h.consumerInfo(name);
    const streamOrder = await entryIdsInStreamOrder(h);
    const acked = streamOrder.slice(0, ack_floor.stream_seq);
    assert.ok(acked.length > 0);
    assert.deepEqual(
      acked.filter((id) => !committed.has(id)),
      [],
      'every acked event was committed',
    );

    const second = await startConsumer(options);
    await h.settled(name, 30_000);
    await second.stop();

    const applied = await h.applied(name);
    assert.equal(applied.length, total, 'every event was applied');
    assert.ok(
      applied.every((r) => r.times === 1),
      'no event was applied twice',
    );
    assert.equal(
      await counterValue(consumerMetrics.skipped, { consumer: name, reason: 'duplicate' }),
      0,
      'stop() left no committed event unacked',
    );
  });
});

/** Entry ids in the stream's order (index = stream sequence - 1). */
async function entryIdsInStreamOrder(h: Harness): Promise<string[]> {
  const jsm = await h.bus.jsm();
  const stream = eventNames(h.namespace).stream(CONTEXT);
  const { state } = await jsm.streams.info(stream);
  const ids: string[] = [];
  for (let seq = 1; seq <= state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq });
    const isEntry = msg?.header.get(EventHeader.schema) === EntryRecordedSchema.typeName;
    ids.push(msg && isEntry ? fromBinary(EntryRecordedSchema, msg.data).entryId : '');
  }
  return ids;
}
