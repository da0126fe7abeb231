/**
 * `npm run infra`: makes sure Postgres and NATS JetStream are up (starting the local ones when they
 * are installed but down), then provisions what the catalog (mesh/topology.yaml) declares: one role
 * and database per service, one stream per context and the dead-letter stream. Safe to run again.
 *
 * Environment: PAYMESH_PG_ADMIN_URL, PAYMESH_NATS_URL (servers); PAYMESH_TOPOLOGY (catalog path);
 * PAYMESH_NATS_STORE_DIR, PAYMESH_NATS_LOG, PAYMESH_NATS_PID_FILE (a nats-server this starts);
 * NATS_SERVER_BIN, PG_CTLCLUSTER_BIN (where the programs are, when not on PATH).
 */

import { DEFAULT_TOPOLOGY_PATH, loadTopology, streamContexts } from '@paymesh/platform/mesh/topology';
import { findProgram, InfraError, where } from './lib/local-server.js';
import { connectJetStream, ensureStreams, isNatsListening, startNats } from './lib/nats-infra.js';
import { probePostgres, provisionServiceDatabases, startPostgres } from './lib/postgres-infra.js';

const adminUrl = process.env.PAYMESH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = process.env.PAYMESH_NATS_URL ?? 'nats://127.0.0.1:4222';

try {
  await main();
} catch (err) {
  console.error(`infra: ${err instanceof InfraError ? err.message : err instanceof Error ? err.stack : err}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const topology = await loadTopology(process.env.PAYMESH_TOPOLOGY || DEFAULT_TOPOLOGY_PATH);
  const [pgProbe, natsUp] = await Promise.all([probePostgres(adminUrl), isNatsListening(natsUrl)]);

  // Whatever is down must be startable; say everything missing in one line before starting anything.
  const pgCtlcluster = pgProbe.up
    ? undefined
    : await findProgram('pg_ctlcluster', process.env.PG_CTLCLUSTER_BIN);
  const natsServer = natsUp ? undefined : await findProgram('nats-server', process.env.NATS_SERVER_BIN);
  const missing = [
    ...(!pgProbe.up && !pgCtlcluster ? [{ what: `Postgres (${where(adminUrl)})`, pkg: 'postgresql' }] : []),
    ...(!natsUp && !natsServer ? [{ what: `NATS (${where(natsUrl)})`, pkg: 'nats-server' }] : []),
  ];
  if (missing.length)
    throw new InfraError(
      `${missing.map((m) => m.what).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} down and not installed: apt-get install ${missing.map((m) => m.pkg).join(' ')}`,
    );

  let pgState = 'running';
  let pgVersion = pgProbe.up ? pgProbe.version : '';
  if (pgCtlcluster) {
    pgState = `started cluster ${await startPostgres(adminUrl, pgCtlcluster)}`;
    const probe = await probePostgres(adminUrl);
    pgVersion = probe.up ? probe.version : 'unknown';
  }

  let natsState = 'running';
  if (natsServer) {
    const pid = await startNats(natsUrl, natsServer, {
      storeDir: process.env.PAYMESH_NATS_STORE_DIR || '/var/lib/nats-server',
      logFile: process.env.PAYMESH_NATS_LOG || '/var/log/nats-server.log',
      ...(process.env.PAYMESH_NATS_PID_FILE ? { pidFile: process.env.PAYMESH_NATS_PID_FILE } : {}),
    });
    natsState = `started pid ${pid}`;
  }

  const databases = topology.services.flatMap((s) => (s.database ? [s.database] : []));
  const provisioned = await provisionServiceDatabases(adminUrl, databases);
  const nats = await connectJetStream(natsUrl);
  let streams: Awaited<ReturnType<typeof ensureStreams>>;
  try {
    streams = await ensureStreams(nats.jsm, topology.namespace, streamContexts(topology));
  } finally {
    await nats.close();
  }

  const named = (outcome: string) => provisioned.filter((p) => p.outcome === outcome).map((p) => p.database);
  console.log(
    [
      `postgres ${pgVersion} at ${where(adminUrl)} (${pgState}): ${provisioned.length} service databases with own roles; ` +
        `created: ${list(named('created'))}; repaired: ${list(named('repaired'))}`,
      `nats ${nats.version} + JetStream at ${where(natsUrl)} (${natsState}): ${streams.streams.length} streams; ` +
        `created: ${list(streams.created)}`,
    ].join('\n'),
  );
}

function list(names: readonly string[]): string {
  return names.length ? names.join(', ') : 'none';
}
