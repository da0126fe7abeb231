/**
 * A relay in a process of its own: the crash test kills one mid-drain, the benchmark measures one
 * apart from its load. Reads DATABASE_URL, NATS_URL, CONCURRENCY and BATCH_SIZE; prints "started"
 * once it runs; on SIGTERM publishes what is pending and exits.
 */
import { createDatabase } from '../../db/database.js';
import { connectBus } from '../../nats/connection.js';
import { createLogger } from '../../telemetry/logger.js';
import { startRelay } from '../relay.js';

const { DATABASE_URL, NATS_URL, CONCURRENCY, BATCH_SIZE } = process.env;
if (!DATABASE_URL || !NATS_URL) throw new Error('DATABASE_URL and NATS_URL are required');

const db = createDatabase({ url: DATABASE_URL, applicationName: 'relay-process' });
const bus = await connectBus(NATS_URL, 'relay-process');
const relay = await startRelay({
  pool: db.$client,
  bus,
  logger: createLogger('relay-process', process.env.LOG_LEVEL ?? 'silent'),
  service: 'relay-process',
  concurrency: Number(CONCURRENCY ?? 1),
  batchSize: Number(BATCH_SIZE ?? 200),
});
process.once('SIGTERM', async () => {
  await relay.stop();
  await bus.close();
  await db.$client.end();
  process.exit(0);
});
process.stdout.write('started\n');
