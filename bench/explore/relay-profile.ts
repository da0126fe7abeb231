/**
 * Exploration: where the outbox relay spends its CPU while it drains a committed backlog. Appends
 * EVENTS events on KEYS keys, then profiles only the drain (node:inspector) and prints the functions
 * with the most self time, and the drain rate. `PROFILE_DIR` keeps the .cpuprofile.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { eventNames } from '@paymesh/platform/events/naming';
import { connectBus } from '@paymesh/platform/nats/connection';
import { deleteNamespaceStreams, ensureEventStreams } from '@paymesh/platform/nats/streams';
import { createOutbox } from '@paymesh/platform/outbox/outbox';
import { startRelay } from '@paymesh/platform/outbox/relay';
import { entryRecorded } from '@paymesh/platform/outbox/testing/entry-events';
import { createOutboxDatabase } from '@paymesh/platform/outbox/testing/outbox-database';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import { SHARED_NATS_URL, uniqueNamespace } from '@paymesh/platform/testing/nats';
import { summarizeProfile } from './profile-summary.js';

const EVENTS = Number(process.env.EVENTS ?? 20_000);
const KEYS = Number(process.env.KEYS ?? 1_000);
const CONTEXT = 'bench';

const database = await createOutboxDatabase('relay_profile');
const bus = await connectBus(SHARED_NATS_URL, 'relay-profile');
const namespace = uniqueNamespace('relayprof');
await ensureEventStreams(await bus.jsm(), namespace, [CONTEXT]);
const outbox = createOutbox({ namespace, context: CONTEXT });
try {
  await database.db.transaction(async (tx) => {
    for (let from = 0; from < EVENTS; from += 500) {
      const events = Array.from({ length: Math.min(500, EVENTS - from) }, (_, i) =>
        entryRecorded(`acc-${(from + i) % KEYS}`, from + i),
      );
      await outbox.append(tx, ...events);
    }
  });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const started = performance.now();
  const relay = await startRelay({
    pool: database.db.$client,
    bus,
    logger: createLogger('relay-profile', 'warn'),
    service: 'relay-profile',
    concurrency: 4,
    batchSize: 1_000,
  });
  await relay.flush();
  const seconds = (performance.now() - started) / 1_000;
  const { profile } = await session.post('Profiler.stop');
  await relay.stop();
  console.log(
    `drained ${EVENTS} events in ${seconds.toFixed(2)} s: ${Math.round(EVENTS / seconds)} events/s`,
  );
  if (process.env.PROFILE_DIR) {
    await writeFile(join(process.env.PROFILE_DIR, 'relay.cpuprofile'), JSON.stringify(profile));
  }
  console.log(summarizeProfile(profile).functions(30).join('\n'));
  console.log(
    `stream holds ${(await (await bus.jsm()).streams.info(eventNames(namespace).stream(CONTEXT))).state.messages} messages`,
  );
} finally {
  await deleteNamespaceStreams(await bus.jsm(), namespace);
  await bus.close();
  await database.dispose();
}
