/**
 * What the relay's tests share: a fresh outbox database, a namespace with its streams on a NATS
 * server, an outbox appending to it, and a quiet logger.
 */

import { eventNames } from '../../events/naming.js';
import { type Bus, connectBus } from '../../nats/connection.js';
import { deleteNamespaceStreams, ensureEventStreams } from '../../nats/streams.js';
import { createLogger, type Logger } from '../../telemetry/logger.js';
import { SHARED_NATS_URL, uniqueNamespace } from '../../testing/nats.js';
import { createOutbox, type Outbox } from '../outbox.js';
import { createOutboxDatabase, type OutboxDatabase } from './outbox-database.js';

export const FIXTURE_CONTEXT = 'fixture';

export interface RelayFixture {
  readonly database: OutboxDatabase;
  readonly bus: Bus;
  readonly namespace: string;
  /** The stream the fixture context's events go to. */
  readonly stream: string;
  readonly outbox: Outbox;
  readonly logger: Logger;
  /** The ids of pending rows, oldest first. */
  pendingIds(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function createRelayFixture(natsUrl = SHARED_NATS_URL): Promise<RelayFixture> {
  const namespace = uniqueNamespace('outbox');
  const database = await createOutboxDatabase();
  const bus = await connectBus(natsUrl, `${namespace}-test`);
  await ensureEventStreams(await bus.jsm(), namespace, [FIXTURE_CONTEXT]);
  return {
    database,
    bus,
    namespace,
    stream: eventNames(namespace).stream(FIXTURE_CONTEXT),
    outbox: createOutbox({ namespace, context: FIXTURE_CONTEXT }),
    logger: createLogger('outbox-test', process.env.LOG_LEVEL ?? 'silent'),
    async pendingIds() {
      const { rows } = await database.db.$client.query<{ id: string }>(
        'select id from outbox where published_at is null order by seq',
      );
      return rows.map((row) => row.id);
    },
    async dispose() {
      await deleteNamespaceStreams(await bus.jsm(), namespace).catch(() => {});
      await bus.close();
      await database.dispose();
    },
  };
}
