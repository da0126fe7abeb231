/**
 * The outbox relay against raw JetStream. Throughput: a committed backlog drained by one relay
 * (4 workers, claims of 1,000), in events/s, beside the same number of JetStream publishes of the
 * same payload in batches of 1,000 (goal ≥ 0.5 of it). Latency: at half the measured relay rate,
 * the time from a transaction's commit to the kit's consumer applying its events through the inbox
 * (goal p99 ≤ 50 ms), in `extra`. Uses its own database and event namespace, removed afterwards.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { toBinary } from '@bufbuild/protobuf';
import { startConsumer } from '@paymesh/platform/consumer/consumer';
import { EventHandlers } from '@paymesh/platform/consumer/handlers';
import { eventNames } from '@paymesh/platform/events/naming';
import { inbox } from '@paymesh/platform/inbox/schema';
import { type Bus, connectBus } from '@paymesh/platform/nats/connection';
import { deleteNamespaceStreams, ensureEventStreams } from '@paymesh/platform/nats/streams';
import { createOutbox } from '@paymesh/platform/outbox/outbox';
import { type RelayOptions, startRelay } from '@paymesh/platform/outbox/relay';
import { entryRecorded } from '@paymesh/platform/outbox/testing/entry-events';
import { createOutboxDatabase, type OutboxDatabase } from '@paymesh/platform/outbox/testing/outbox-database';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import { SHARED_NATS_URL, uniqueNamespace } from '@paymesh/platform/testing/nats';
import { createTables } from '@paymesh/platform/testing/schema-tables';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { measureJetStreamPublish } from '../baselines/jetstream-publish.js';
import { compare, quantile, type Suite } from '../lib.js';

const CONTEXT = 'bench';
const KEYS = 1_000;
const EVENTS = 20_000;
const BATCH = 1_000;
const RELAY_CONCURRENCY = 4;
const APPEND_CHUNK = 500;
const LATENCY_WARMUP_SECONDS = 1;
const LATENCY_SECONDS = 3;
const LATENCY_TICK_MS = 10;
const LATENCY_GOAL_P99_MS = 50;

interface Bench {
  database: OutboxDatabase;
  bus: Bus;
  namespace: string;
  stream: string;
  keys: string[];
  relayOptions: Omit<RelayOptions, 'service'>;
}

export const suite: Suite = {
  name: 'relay',
  async run({ runs, log }) {
    const bench = await setUp();
    try {
      const subjects = bench.keys.map((key) => eventNames(bench.namespace).subject(CONTEXT, key));
      const sample = entryRecorded(bench.keys[0] as string, EVENTS);
      const payload = toBinary(sample.schema, sample.message);
      const publishRaw = (msgIds: boolean) =>
        measureJetStreamPublish({
          js: bench.bus.js,
          subjects,
          payload,
          count: EVENTS,
          batchSize: BATCH,
          msgIds,
        });

      log('  warming up');
      await drainBacklog(bench, EVENTS / 4);
      await publishRaw(true);

      const figure = await compare({
        name: 'relay-throughput',
        unit: 'events/s',
        runs,
        system: () => drainBacklog(bench, EVENTS),
        baseline: { name: 'jetstream-publish', measure: () => publishRaw(true) },
        goalRatio: 0.5,
        log,
      });
      const withoutMsgIds = await publishRaw(false);
      const rate = figure.value / 2;
      log(`  commit→applied latency at ${Math.round(rate)} events/s for ${LATENCY_SECONDS} s`);
      const latencies = await measureLatency(bench, rate);
      const p99 = quantile(latencies, 0.99);
      figure.extra = {
        'payload bytes': payload.byteLength,
        'raw publish without Nats-Msg-Id events/s': Math.round(withoutMsgIds),
        'latency load events/s': Math.round(rate),
        'commit→applied p50 ms': round(quantile(latencies, 0.5)),
        'commit→applied p99 ms': round(p99),
        'commit→applied max ms': round(Math.max(...latencies)),
        [`latency goal p99 ≤ ${LATENCY_GOAL_P99_MS} ms`]: p99 <= LATENCY_GOAL_P99_MS ? 'met' : 'missed',
      };
      return [figure];
    } finally {
      await tearDown(bench);
    }
  },
};

async function setUp(): Promise<Bench> {
  const namespace = uniqueNamespace('bench');
  const database = await createOutboxDatabase('bench_relay');
  await createTables(database.db, { inbox });
  const bus = await connectBus(SHARED_NATS_URL, `${namespace}-relay-bench`);
  await ensureEventStreams(await bus.jsm(), namespace, [CONTEXT]);
  return {
    database,
    bus,
    namespace,
    stream: eventNames(namespace).stream(CONTEXT),
    keys: Array.from({ length: KEYS }, (_, i) => `acc-${i}`),
    relayOptions: {
      pool: database.db.$client,
      bus,
      logger: createLogger('relay-bench', process.env.LOG_LEVEL ?? 'warn'),
      concurrency: RELAY_CONCURRENCY,
      batchSize: BATCH,
    },
  };
}

async function tearDown(bench: Bench): Promise<void> {
  await deleteNamespaceStreams(await bench.bus.jsm(), bench.namespace).catch(() => {});
  await bench.bus.close();
  await bench.database.dispose();
}

/** Commits `count` events in one transaction, then times an idle relay draining them: events/s. */
async function drainBacklog(bench: Bench, count: number): Promise<number> {
  await reset(bench);
  const outbox = createOutbox({ namespace: bench.namespace, context: CONTEXT });
  const relay = await startRelay({ ...bench.relayOptions, service: 'relay-bench' });
  try {
    await bench.database.db.transaction(async (tx) => {
      for (let from = 0; from < count; from += APPEND_CHUNK) {
        const events = [];
        for (let i = from; i < Math.min(count, from + APPEND_CHUNK); i++) {
          events.push(entryRecorded(bench.keys[i % KEYS] as string, i));
        }
        await outbox.append(tx, ...events);
      }
    });
    const started = performance.now();
    await relay.flush();
    return count / ((performance.now() - started) / 1_000);
  } finally {
    await relay.stop();
  }
}

/**
 * Commits events at `rate` (one transaction every tick) while a relay runs in its own process and a
 * kit consumer applies them (inbox row in its transaction); after a warm-up, returns each event's
 * commit→applied time in ms (taken when its handler runs, just before the batch commits).
 */
async function measureLatency(bench: Bench, rate: number): Promise<number[]> {
  await reset(bench);
  const outbox = createOutbox({ namespace: bench.namespace, context: CONTEXT });
  const committedAt = new Map<string, number>();
  const appliedAt = new Map<string, number>();
  const consumer = await startConsumer({
    db: bench.database.db,
    bus: bench.bus,
    logger: bench.relayOptions.logger,
    namespace: bench.namespace,
    context: CONTEXT,
    name: 'relay_bench_latency',
    handlers: new EventHandlers().on(EntryRecordedSchema, async (_event, _tx, meta) => {
      appliedAt.set(meta.eventId, performance.now());
    }),
  });
  const relay = await spawnRelay(bench.database.url, { concurrency: RELAY_CONCURRENCY, batchSize: BATCH });
  try {
    const perTick = Math.max(1, Math.round((rate * LATENCY_TICK_MS) / 1_000));
    const warmupTicks = (LATENCY_WARMUP_SECONDS * 1_000) / LATENCY_TICK_MS;
    const ticks = warmupTicks + (LATENCY_SECONDS * 1_000) / LATENCY_TICK_MS;
    const commits: Promise<void>[] = [];
    const start = performance.now();
    let n = 0;
    for (let tick = 0; tick < ticks; tick++) {
      await sleep(Math.max(0, start + tick * LATENCY_TICK_MS - performance.now()));
      const events = Array.from({ length: perTick }, () =>
        entryRecorded(bench.keys[n % KEYS] as string, n++),
      );
      const measured = tick >= warmupTicks;
      commits.push(
        bench.database.db
          .transaction((tx) => outbox.append(tx, ...events))
          .then((ids) => {
            const now = performance.now();
            if (measured) for (const id of ids) committedAt.set(id, now);
          }),
      );
    }
    await Promise.all(commits);
    const deadline = performance.now() + 30_000;
    // Every event committed, measured or not, is applied: a count says when without a scan.
    const applied = () => appliedAt.size >= n;
    while (!applied() && performance.now() < deadline) await sleep(50);
    if (!applied()) throw new Error('not every committed event was applied within 30 s');
    return Array.from(committedAt, ([id, at]) => (appliedAt.get(id) as number) - at);
  } finally {
    await relay.stop();
    await consumer.stop();
  }
}

/**
 * A relay in its own process, as in a service, so the load and the consumer do not slow it.
 * `nodeArgs` go before the script (a CPU profile, say).
 */
export async function spawnRelay(
  databaseUrl: string,
  options: { concurrency: number; batchSize: number; nodeArgs?: readonly string[] },
): Promise<{ stop(): Promise<void> }> {
  const script = fileURLToPath(import.meta.resolve('@paymesh/platform/outbox/testing/relay-process'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NATS_URL: SHARED_NATS_URL,
      CONCURRENCY: String(options.concurrency),
      BATCH_SIZE: String(options.batchSize),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  await once(child.stdout as NonNullable<typeof child.stdout>, 'data');
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Empties the outbox and the stream so every sample starts alike. */
async function reset(bench: Bench): Promise<void> {
  await bench.database.db.$client.query('truncate outbox, inbox');
  await (await bench.bus.jsm()).streams.purge(bench.stream);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
