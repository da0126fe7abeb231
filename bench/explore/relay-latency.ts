/**
 * Exploration: where commit→applied latency goes at a fixed event rate. Commits RATE events/s (one
 * transaction per 10 ms tick) for DURATION seconds; a relay publishes them (in this process, or in
 * its own with RELAY=process, as the relay suite runs it, RELAY_ARGS giving it node options; none
 * with RELAY=off) and the kit's consumer applies them (CONCURRENCY, BATCH; none with CONSUMER=off),
 * while a core NATS subscription notes when the broker has each one. Prints p50/p99 of
 * commit→published and commit→applied, the database transactions per event and this process's CPU.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startConsumer } from '@paymesh/platform/consumer/consumer';
import { EventHandlers } from '@paymesh/platform/consumer/handlers';
import { EventHeader } from '@paymesh/platform/events/envelope';
import { eventNames } from '@paymesh/platform/events/naming';
import { inbox } from '@paymesh/platform/inbox/schema';
import { connectBus } from '@paymesh/platform/nats/connection';
import { deleteNamespaceStreams, ensureEventStreams } from '@paymesh/platform/nats/streams';
import { createOutbox } from '@paymesh/platform/outbox/outbox';
import { startRelay } from '@paymesh/platform/outbox/relay';
import { entryRecorded } from '@paymesh/platform/outbox/testing/entry-events';
import { createOutboxDatabase } from '@paymesh/platform/outbox/testing/outbox-database';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import { SHARED_NATS_URL, uniqueNamespace } from '@paymesh/platform/testing/nats';
import { createTables } from '@paymesh/platform/testing/schema-tables';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { spawnRelay } from '../suites/relay.js';

const RATE = Number(process.env.RATE ?? 10_000);
const SECONDS = Number(process.env.DURATION ?? 3);
const KEYS = 1_000;
const TICK_MS = 10;
const CONTEXT = 'bench';
const logger = createLogger('relay-latency', 'warn');

const database = await createOutboxDatabase('relay_latency');
await createTables(database.db, { inbox });
const bus = await connectBus(SHARED_NATS_URL, 'relay-latency');
const namespace = uniqueNamespace('rlat');
await ensureEventStreams(await bus.jsm(), namespace, [CONTEXT]);
const outbox = createOutbox({ namespace, context: CONTEXT });
const committedAt = new Map<string, number>();
const publishedAt = new Map<string, number>();
const appliedAt = new Map<string, number>();
const seen = bus.nc.subscribe(eventNames(namespace).contextSubjects(CONTEXT), {
  callback: (_err, msg) => {
    const id = msg.headers?.get(EventHeader.eventId);
    if (id) publishedAt.set(id, performance.now());
  },
});
const consumer =
  process.env.CONSUMER === 'off'
    ? undefined
    : await startConsumer({
        db: database.db,
        bus,
        logger,
        namespace,
        context: CONTEXT,
        name: 'relay_latency',
        concurrency: Number(process.env.CONCURRENCY ?? 8),
        batchSize: Number(process.env.BATCH ?? 16),
        handlers: new EventHandlers().on(EntryRecordedSchema, async (_e, _tx, meta) => {
          appliedAt.set(meta.eventId, performance.now());
        }),
      });
const relay =
  process.env.RELAY === 'off'
    ? undefined
    : process.env.RELAY === 'process'
      ? await spawnRelay(database.url, {
          concurrency: 4,
          batchSize: 1_000,
          nodeArgs: process.env.RELAY_ARGS?.split(' ').filter(Boolean),
        })
      : await startRelay({ pool: database.db.$client, bus, logger, service: 'rl', concurrency: 4 });
try {
  const commitsBefore = await transactionsCommitted();
  const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1_000));
  const ticks = (SECONDS * 1_000) / TICK_MS;
  const commits: Promise<void>[] = [];
  const start = performance.now();
  let n = 0;
  for (let tick = 0; tick < ticks; tick++) {
    await sleep(Math.max(0, start + tick * TICK_MS - performance.now()));
    const events = Array.from({ length: perTick }, () => entryRecorded(`acc-${n % KEYS}`, n++));
    commits.push(
      database.db
        .transaction((tx) => outbox.append(tx, ...events))
        .then((ids) => {
          const now = performance.now();
          for (const id of ids) committedAt.set(id, now);
        }),
    );
  }
  await Promise.all(commits);
  const committedIn = (performance.now() - start) / 1_000;
  const deadline = performance.now() + 30_000;
  const done = () => publishedAt.size >= n && (!consumer || appliedAt.size >= n);
  while (!done() && performance.now() < deadline) await sleep(20);
  const q = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN);
  };
  const lag = (to: Map<string, number>) =>
    [...committedAt].filter(([id]) => to.has(id)).map(([id, at]) => (to.get(id) as number) - at);
  const span = (to: Map<string, number>) => (Math.max(...to.values()) - start) / 1_000;
  await sleep(1_000);
  const committed = (await transactionsCommitted()) - commitsBefore;
  console.log(`database transactions committed: ${committed} (${(committed / n).toFixed(3)} per event)`);
  const cpu = process.cpuUsage();
  console.log(`this process cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`);
  console.log(`rate ${RATE}/s for ${SECONDS}s; committed in ${committedIn.toFixed(2)} s`);
  console.log(
    `commit→published p50 ${q(lag(publishedAt), 0.5)} p99 ${q(lag(publishedAt), 0.99)} ms; last at ${span(publishedAt).toFixed(2)} s`,
  );
  if (consumer)
    console.log(
      `commit→applied   p50 ${q(lag(appliedAt), 0.5)} p99 ${q(lag(appliedAt), 0.99)} ms; last at ${span(appliedAt).toFixed(2)} s`,
    );
} finally {
  await relay?.stop();
  await consumer?.stop();
  seen.unsubscribe();
  await deleteNamespaceStreams(await bus.jsm(), namespace);
  await bus.close();
  await database.dispose();
}

async function transactionsCommitted(): Promise<number> {
  const { rows } = await database.db.$client.query(
    'select xact_commit::int as n from pg_stat_database where datname = current_database()',
  );
  return rows[0].n;
}
