/**
 * `npm start` (after the infrastructure is up): runs every service of the catalog that has
 * services/<name>/src/main.ts, each with its own port, database role and the shared NATS, and its
 * mesh certificate from the development CA in .paymesh/mesh-tls (east-west calls are mTLS and the
 * topology's policy holds, as in the cluster), output prefixed by service name. Ctrl-C or SIGTERM stops them all (SIGTERM, then SIGKILL after
 * PAYMESH_STOP_GRACE_MS); a second Ctrl-C kills at once. Nothing restarts by itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { credentialVariables } from '@paymesh/platform/mesh/certificates';
import { loadTopology, serviceDatabaseUrl, serviceDirectory } from '@paymesh/platform/mesh/topology';
import { upstreamVariable } from '@paymesh/platform/service/define-service';
import { type ProcessSpec, supervise } from './lib/supervisor.js';
import { ensureMeshCredentials } from './mesh-certs.js';

const adminUrl = process.env.PAYMESH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = process.env.PAYMESH_NATS_URL ?? 'nats://127.0.0.1:4222';
// Above the services' own SHUTDOWN_GRACE_MS default (10 s), so a clean drain is never cut short.
const graceMs = Number(process.env.PAYMESH_STOP_GRACE_MS ?? 15_000);

const topology = await loadTopology(process.env.PAYMESH_TOPOLOGY || undefined);
const mesh = await ensureMeshCredentials();
if (mesh.issued.length) console.log(`mesh certificates issued in ${mesh.dir}: ${mesh.issued.join(', ')}`);
// Certificates live a day and are renewed with a third of it left: checked hourly while running,
// the services reload the new files themselves.
const renewal = setInterval(() => {
  ensureMeshCredentials().then(
    (renewed) =>
      renewed.issued.length && console.log(`mesh certificates renewed: ${renewed.issued.join(', ')}`),
    (err: unknown) => console.error('mesh certificates could not be renewed:', err),
  );
}, 3_600_000);
renewal.unref();
const portOf = new Map(topology.services.map((s) => [s.name, s.port]));
/** `<NAME>_URL` of every service a service calls, as the kit's defineService reads them. */
const upstreamUrls = (calls: readonly string[]) =>
  Object.fromEntries(calls.map((name) => [upstreamVariable(name), `https://127.0.0.1:${portOf.get(name)}`]));
const specs: ProcessSpec[] = topology.services
  .filter((service) => existsSync(join(serviceDirectory(service.name), 'src', 'main.ts')))
  .map((service) => ({
    name: service.name,
    command: process.execPath,
    args: ['--import', 'tsx', 'src/main.ts'],
    cwd: serviceDirectory(service.name),
    env: {
      ...process.env,
      SERVICE_NAME: service.name,
      PORT: String(service.port),
      ADMIN_PORT: String(service.adminPort),
      ...(service.database ? { DATABASE_URL: serviceDatabaseUrl(adminUrl, service.database) } : {}),
      ...upstreamUrls(service.calls),
      ...credentialVariables(mesh.files(service.name)),
      NATS_URL: natsUrl,
      EVENT_NAMESPACE: topology.namespace,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      // Local only: whoever signs up with this address is an operator (funds accounts in the app).
      OPERATOR_EMAILS: process.env.OPERATOR_EMAILS ?? 'operator@paymesh.local',
    },
  }));

if (specs.length === 0) {
  console.log('no services to start yet; infrastructure is up');
  process.exit(0);
}

console.log(`starting ${specs.map((s) => s.name).join(', ')} (Ctrl-C stops them all)`);
const supervisor = supervise(specs, { graceMs });
let stopRequested = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopRequested) {
      console.error('killing every service now');
      supervisor.kill();
      return;
    }
    stopRequested = true;
    console.error(`${signal}: stopping every service (grace ${graceMs} ms; again to kill now)`);
    void supervisor.stop();
  });
}

const exits = await supervisor.exited;
const crashed = exits.filter((e) => e.unexpected && e.code !== 0);
if (crashed.length) console.error(`crashed while running: ${crashed.map((e) => e.name).join(', ')}`);
process.exitCode = crashed.length ? 1 : 0;
