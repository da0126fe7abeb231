/**
 * Idempotent consumers against raw Postgres. Throughput: a published backlog applied by one
 * consumer (inbox row + a balance update per event; 8 transactions at once, each applying up to 16
 * waiting events), in events/s, beside the raw "transfer leg" rate (two balance updates + an outbox
 * row per transaction, 8 clients straight through pg); goal ≥ 0.7 of it. Then, once, forced
 * redelivery (every fourth event published twice under another Nats-Msg-Id, and the connection cut
 * mid-backlog so acks are lost): double-applies must be 0, in `extra`. Uses its own database and
 * event namespace, removed afterwards.
 */
import { create } from '@bufbuild/protobuf';
import { type ConsumerOptions, startConsumer } from '@paymesh/platform/consumer/consumer';
import { consumerMetrics } from '@paymesh/platform/consumer/consumer-metrics';
import { eventHandlers } from '@paymesh/platform/consumer/handlers';
import { counterValue, waitFor } from '@paymesh/platform/consumer/testing/harness';
import { publishEvent } from '@paymesh/platform/consumer/testing/publish-event';
import { createDatabase, type Database } from '@paymesh/platform/db/database';
import { eventNames } from '@paymesh/platform/events/naming';
import { inbox } from '@paymesh/platform/inbox/schema';
import { type Bus, connectBus } from '@paymesh/platform/nats/connection';
import { deleteNamespaceStreams, ensureEventStreams } from '@paymesh/platform/nats/streams';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import { SHARED_NATS_URL, uniqueNamespace } from '@paymesh/platform/testing/nats';
import { createTestDatabase, type TestDatabase } from '@paymesh/platform/testing/postgres';
import { createTables } from '@paymesh/platform/testing/schema-tables';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { eq, like, sql } from 'drizzle-orm';
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';
import { prepareTransferLeg, type TransferLeg } from '../baselines/pg-transfer-leg.js';
import { compare, type Suite } from '../lib.js';

const CONTEXT = 'bench';
const ACCOUNTS = 1_000;
const EVENTS = 15_000;
const PUBLISH_BATCH = 1_000;
const BASELINE_MS = 3_000;
const CONCURRENCY = 8;
const POOL = 10;
const BATCH = 64;
const REDELIVERY_EVENTS = 2_000;

const balances = pgTable('bench_balances', {
  accountId: text('account_id').primaryKey(),
  balance: bigint('balance', { mode: 'bigint' }).notNull(),
});
const schema = { inbox, balances };
type Schema = typeof schema;

interface Bench {
  database: TestDatabase;
  db: Database<Schema>;
  bus: Bus;
  namespace: string;
  transferLeg: TransferLeg;
  consumerOptions: (name: string, bus: Bus) => ConsumerOptions<Schema>;
}

export const suite: Suite = {
  name: 'inbox',
  async run({ runs, log }) {
    const bench = await setUp();
    try {
      log('  warming up');
      await applyBacklog(bench, 'bench_inbox', EVENTS / 5);
      await bench.transferLeg.measure(BASELINE_MS / 3);

      const figure = await compare({
        name: 'inbox-apply',
        unit: 'events/s',
        runs,
        system: () => applyBacklog(bench, 'bench_inbox', EVENTS),
        baseline: { name: 'pg-transfer-leg', measure: () => bench.transferLeg.measure(BASELINE_MS) },
        goalRatio: 0.7,
        log,
      });
      log(`  forced redelivery of ${REDELIVERY_EVENTS} events`);
      const redelivery = await forceRedelivery(bench);
      figure.extra = {
        'double-applies under forced redelivery': redelivery.doubleApplies,
        'redeliveries deduplicated': redelivery.deduplicated,
        'consumer concurrency': CONCURRENCY,
        'consumer batch size': BATCH,
        'consumer pool size': POOL,
        'baseline clients': 8,
        'events per sample': EVENTS,
      };
      return [figure];
    } finally {
      await tearDown(bench);
    }
  },
};

async function setUp(): Promise<Bench> {
  const database = await createTestDatabase('bench_inbox');
  const db = createDatabase({ url: database.url, schema, max: POOL, applicationName: 'bench-inbox' });
  await createTables(db, schema);
  await db.execute(
    sql`INSERT INTO bench_balances (account_id, balance) SELECT 'acc-' || i, 0 FROM generate_series(0, ${ACCOUNTS - 1}) i`,
  );
  const namespace = uniqueNamespace('bi');
  const bus = await connectBus(SHARED_NATS_URL, 'bench-inbox');
  await ensureEventStreams(await bus.jsm(), namespace, [CONTEXT]);
  const transferLeg = await prepareTransferLeg({ url: database.url, clients: 8 });
  const logger = createLogger('bench-inbox', process.env.LOG_LEVEL ?? 'silent');
  const handlers = eventHandlers<Schema>().on(EntryRecordedSchema, async (event, tx) => {
    await tx
      .update(balances)
      .set({ balance: sql`${balances.balance} + ${event.amount}` })
      .where(eq(balances.accountId, event.accountId));
  });
  return {
    database,
    db,
    bus,
    namespace,
    transferLeg,
    consumerOptions: (name, consumerBus) => ({
      db,
      bus: consumerBus,
      logger,
      namespace,
      context: CONTEXT,
      name,
      handlers,
      concurrency: CONCURRENCY,
      batchSize: BATCH,
    }),
  };
}

async function tearDown(bench: Bench): Promise<void> {
  await deleteNamespaceStreams(await bench.bus.jsm(), bench.namespace).catch(() => {});
  await bench.bus.close();
  await bench.db.$client.end();
  await bench.database.drop();
}

/** Publishes `count` events (untimed), then times one consumer applying all of them: events/s. */
async function applyBacklog(bench: Bench, name: string, count: number): Promise<number> {
  await publishEntries(bench, count, (i) => `acc-${i % ACCOUNTS}`);
  const before = await applied(name);
  const started = performance.now();
  const consumer = await startConsumer(bench.consumerOptions(name, bench.bus));
  await waitUntil(async () => (await applied(name)) - before >= count);
  const elapsed = performance.now() - started;
  await consumer.stop();
  return count / (elapsed / 1_000);
}

/**
 * Applies events under forced redelivery: a quarter are published twice (same event id, another
 * Nats-Msg-Id), and the consumer's connection is closed halfway so its acks are lost and a second
 * consumer gets those events again. Every event adds 1 to a balance: any excess is a double-apply.
 */
async function forceRedelivery(bench: Bench): Promise<{ doubleApplies: number; deduplicated: number }> {
  const name = 'bench_inbox_redelivery';
  await bench.db.execute(
    sql`INSERT INTO bench_balances (account_id, balance) SELECT 'redelivery-' || i, 0 FROM generate_series(0, 99) i`,
  );
  await publishEntries(bench, REDELIVERY_EVENTS, (i) => `redelivery-${i % 100}`, 1n, 4);
  const doomed = await connectBus(SHARED_NATS_URL, 'bench-inbox-doomed');
  const first = await startConsumer({
    ...bench.consumerOptions(name, doomed),
    ackWaitMs: 1_000,
  });
  await waitUntil(async () => (await applied(name)) >= REDELIVERY_EVENTS / 2);
  await doomed.nc.close();
  await first.stop();
  const second = await startConsumer({ ...bench.consumerOptions(name, bench.bus), ackWaitMs: 1_000 });
  const stream = eventNames(bench.namespace).stream(CONTEXT);
  await waitFor(
    'the redelivery consumer to settle',
    async () => {
      const info = await (await bench.bus.jsm()).consumers.info(stream, name);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    60_000,
  );
  await second.stop();
  const [row] = await bench.db
    .select({ total: sql<string>`coalesce(sum(${balances.balance}), 0)` })
    .from(balances)
    .where(like(balances.accountId, 'redelivery-%'));
  return {
    doubleApplies: Number(row?.total ?? 0) - REDELIVERY_EVENTS,
    deduplicated: await counterValue(consumerMetrics.skipped, { consumer: name, reason: 'duplicate' }),
  };
}

/** Publishes `count` EntryRecorded events; every `twiceEvery`-th one a second time under another msg id. */
async function publishEntries(
  bench: Bench,
  count: number,
  account: (i: number) => string,
  amount = 1n,
  twiceEvery = 0,
): Promise<void> {
  const batchId = Math.random().toString(36).slice(2);
  for (let start = 0; start < count; start += PUBLISH_BATCH) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(count, start + PUBLISH_BATCH); i++) {
      const accountId = account(i);
      const eventId = `${batchId}-${i}`;
      const event = create(EntryRecordedSchema, { entryId: eventId, accountId, amount, currency: 'EUR' });
      const publish = (msgId: string) =>
        publishEvent(bench.bus.streams, bench.namespace, CONTEXT, EntryRecordedSchema, event, {
          aggregateId: accountId,
          eventId,
          msgId,
        });
      batch.push(publish(eventId));
      if (twiceEvery > 0 && i % twiceEvery === 0) batch.push(publish(`${eventId}-again`));
    }
    await Promise.all(batch);
  }
}

function applied(name: string): Promise<number> {
  return counterValue(consumerMetrics.applied, { consumer: name });
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('benchmark step did not finish within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
