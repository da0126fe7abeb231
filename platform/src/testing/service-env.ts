/**
 * Everything a service needs to run in a test, none of it shared with other runs: its own database,
 * its own event namespace (streams created), free ports, and the environment naming them.
 */
import { connectBus } from '../nats/connection.js';
import { deleteNamespaceStreams, ensureEventStreams } from '../nats/streams.js';
import { freePort, SHARED_NATS_URL, uniqueNamespace } from './nats.js';
import { createTestDatabase } from './postgres.js';

export interface TestServiceEnv {
  /** Variables for `defineService(...).start({ source })` or a child process. */
  readonly env: Record<string, string>;
  readonly databaseUrl: string;
  readonly namespace: string;
  readonly natsUrl: string;
  /** Drops the database and the namespace's streams. */
  cleanup(): Promise<void>;
}

export async function createTestServiceEnv(options: {
  service: string;
  contexts: readonly string[];
  natsUrl?: string;
  extra?: Record<string, string>;
}): Promise<TestServiceEnv> {
  const natsUrl = options.natsUrl ?? SHARED_NATS_URL;
  const namespace = uniqueNamespace();
  const database = await createTestDatabase(options.service);
  const bus = await connectBus(natsUrl, `${options.service}-test-setup`);
  try {
    await ensureEventStreams(await bus.jsm(), namespace, options.contexts);
  } finally {
    await bus.close();
  }
  const env = {
    SERVICE_NAME: options.service,
    PORT: String(await freePort()),
    ADMIN_PORT: String(await freePort()),
    DATABASE_URL: database.url,
    NATS_URL: natsUrl,
    EVENT_NAMESPACE: namespace,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...options.extra,
  };
  return {
    env,
    databaseUrl: database.url,
    namespace,
    natsUrl,
    async cleanup() {
      const cleanupBus = await connectBus(natsUrl, `${options.service}-test-cleanup`);
      try {
        await deleteNamespaceStreams(await cleanupBus.jsm(), namespace);
      } finally {
        await cleanupBus.close();
      }
      await database.drop();
    },
  };
}
