/**
 * Tests and benchmarks of consumers: a fresh database (inbox + an effect table that counts how
 * often each consumer applied each entry, and account balances), a unique event namespace on a
 * real NATS, a handler that records EntryRecorded events, and bounded waits. Cleans up after itself.
 */
import { create } from '@bufbuild/protobuf';
import type { ConsumerInfo } from '@nats-io/jetstream';
import { type EntryRecorded, EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { asc, eq, sql } from 'drizzle-orm';
import { bigint, bigserial, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { Counter } from 'prom-client';
import { createDatabase, type Database } from '../../db/database.js';
import { eventNames } from '../../events/naming.js';
import { inbox } from '../../inbox/schema.js';
import { type Bus, connectBus } from '../../nats/connection.js';
import { deleteNamespaceStreams, ensureEventStreams } from '../../nats/streams.js';
import { createLogger, type Logger } from '../../telemetry/logger.js';
import { SHARED_NATS_URL, uniqueNamespace } from '../../testing/nats.js';
import { createTestDatabase, type TestDatabase } from '../../testing/postgres.js';
import { createTables } from '../../testing/schema-tables.js';
import { type ConsumerOptions, type RunningConsumer, startConsumer } from '../consumer.js';
import { type DeadLetter, listDeadLetters } from '../dead-letters.js';
import type { EventHandler } from '../handlers.js';
import { type PublishEventOptions, type PublishedEvent, publishEvent } from './publish-event.js';

/** How often each consumer applied each entry: `times` above 1 is a double-apply. */
export const applications = pgTable(
  'applications',
  {
    consumer: text('consumer').notNull(),
    entryId: text('entry_id').notNull(),
    accountId: text('account_id').notNull(),
    times: integer('times').notNull().default(1),
    /** Application order, to check that one aggregate's events apply in publish order. */
    position: bigserial('position', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.entryId] })],
);

export const balances = pgTable('balances', {
  accountId: text('account_id').primaryKey(),
  balance: bigint('balance', { mode: 'bigint' }).notNull(),
});

export const harnessSchema = { inbox, applications, balances };
export type HarnessSchema = typeof harnessSchema;

export const CONTEXT = 'fixture';

export interface Entry {
  entryId: string;
  accountId: string;
  amount: bigint;
}

/** Applies an EntryRecorded: counts the application and moves the account's balance. */
export function recordEntry(consumer: string): EventHandler<EntryRecorded, HarnessSchema> {
  return async (event, tx) => {
    await tx
      .insert(applications)
      .values({ consumer, entryId: event.entryId, accountId: event.accountId })
      .onConflictDoUpdate({
        target: [applications.consumer, applications.entryId],
        set: { times: sql`${applications.times} + 1` },
      });
    await tx
      .insert(balances)
      .values({ accountId: event.accountId, balance: event.amount })
      .onConflictDoUpdate({
        target: balances.accountId,
        set: { balance: sql`${balances.balance} + ${event.amount}` },
      });
  };
}

export interface Harness {
  readonly namespace: string;
  readonly database: TestDatabase;
  readonly db: Database<HarnessSchema>;
  readonly bus: Bus;
  readonly logger: Logger;
  /** Publishes an EntryRecorded keyed by its account, as the relay would. */
  publishEntry(entry: Entry, options?: Partial<PublishEventOptions>): Promise<PublishedEvent>;
  /** Rows of `applications` for one consumer, in application order. */
  applied(consumer: string): Promise<{ entryId: string; accountId: string; times: number }[]>;
  inboxCount(consumer: string): Promise<number>;
  consumerInfo(name: string): Promise<ConsumerInfo>;
  /** Waits until the broker has nothing left to deliver or awaiting a verdict for `name`. */
  settled(name: string, timeoutMs?: number): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  /** Starts a consumer of the harness's context on its database, bus and namespace; any option may be replaced. */
  startConsumer(
    options: Pick<ConsumerOptions<HarnessSchema>, 'name' | 'handlers'> &
      Partial<ConsumerOptions<HarnessSchema>>,
  ): Promise<RunningConsumer>;
  close(): Promise<void>;
}

export async function createHarness(options: { natsUrl?: string; poolSize?: number } = {}): Promise<Harness> {
  const namespace = uniqueNamespace('tc');
  const database = await createTestDatabase('consumer');
  const db = createDatabase({ url: database.url, schema: harnessSchema, max: options.poolSize ?? 10 });
  await createTables(db, harnessSchema);
  const bus = await connectBus(options.natsUrl ?? SHARED_NATS_URL, `harness-${namespace}`);
  await ensureEventStreams(await bus.jsm(), namespace, [CONTEXT]);
  const stream = eventNames(namespace).stream(CONTEXT);
  const logger = createLogger('consumer-test', process.env.LOG_LEVEL ?? 'silent');
  return {
    namespace,
    database,
    db,
    bus,
    logger,
    startConsumer: (options) => startConsumer({ db, bus, logger, namespace, context: CONTEXT, ...options }),
    publishEntry: (entry, publishOptions) =>
      publishEvent(bus.streams, namespace, CONTEXT, EntryRecordedSchema, create(EntryRecordedSchema, entry), {
        aggregateId: entry.accountId,
        ...publishOptions,
      }),
    applied: (consumer) =>
      db
        .select({
          entryId: applications.entryId,
          accountId: applications.accountId,
          times: applications.times,
        })
        .from(applications)
        .where(eq(applications.consumer, consumer))
        .orderBy(asc(applications.position)),
    inboxCount: async (consumer) => db.$count(inbox, eq(inbox.consumer, consumer)),
    consumerInfo: async (name) => (await bus.jsm()).consumers.info(stream, name),
    settled: async (name, timeoutMs) => {
      await waitFor(
        `consumer ${name} to settle every message`,
        async () => {
          const info = await (await bus.jsm()).consumers.info(stream, name);
          return info.num_pending === 0 && info.num_ack_pending === 0;
        },
        timeoutMs,
      );
    },
    deadLetters: () => listDeadLetters(bus, namespace),
    close: async () => {
      await deleteNamespaceStreams(await bus.jsm(), namespace).catch(() => {});
      await bus.close();
      await db.$client.end();
      await database.drop();
    },
  };
}

/** Polls `condition` every 25 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The current value of a counter for one set of labels. */
export async function counterValue<T extends string>(
  metric: Counter<T>,
  labels: Partial<Record<T, string>>,
): Promise<number> {
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k as T] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

/** A small seeded PRNG (mulberry32) so a failing run can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
