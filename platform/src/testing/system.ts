/**
 * The system under test: paymesh services as real processes (`node --import tsx src/main.ts`), each
 * on its own throwaway database, all on one unique event namespace, wired to each other as
 * mesh/topology.yaml says. A service can be killed with SIGKILL and restarted on the same ports and
 * database, the way a crash and a reschedule look in production.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DescService } from '@bufbuild/protobuf';
import type { Client } from '@connectrpc/connect';
import { createServiceClient } from '../client/service-client.js';
import { loadTopology, type MeshService, serviceDirectory, type Topology } from '../mesh/topology.js';
import { connectBus } from '../nats/connection.js';
import { deleteNamespaceStreams, ensureEventStreams } from '../nats/streams.js';
import { upstreamVariable } from '../service/define-service.js';
import { freePort, SHARED_NATS_URL, uniqueNamespace } from './nats.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export interface SystemOptions {
  /** The services to run; each one's upstreams must be among them. */
  services: readonly string[];
  /** Extra variables per service, e.g. `{ currency: { QUOTE_TTL_MS: '1' } }`. */
  env?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  natsUrl?: string;
  /** How long a service may take to become ready (default 30 s). */
  readyTimeoutMs?: number;
  /**
   * Each service's pool size (DATABASE_POOL_MAX). Small by default: test suites run side by side
   * on one Postgres, whose max_connections (100 by default) every system shares.
   */
  databasePoolMax?: number;
}

export interface RunningSystem {
  readonly namespace: string;
  readonly natsUrl: string;
  /** `http://127.0.0.1:<port>` of a service's RPC port. */
  url(service: string): string;
  /** `http://127.0.0.1:<port>` of a service's admin port (`/readyz`, `/metrics`). */
  adminUrl(service: string): string;
  databaseUrl(service: string): string;
  /** A kit client of a service (deadline, safe retries), with room for the load a test drives. */
  client<T extends DescService>(service: string, desc: T): Client<T>;
  /** SIGKILL: no drain, no flush. Resolves once the process is gone. */
  kill(service: string): Promise<void>;
  /** Starts a killed or stopped service again on the same ports and database; waits until ready. */
  start(service: string): Promise<void>;
  /** SIGTERM and wait: the graceful path. */
  stop(service: string): Promise<void>;
  /** The last lines a service printed (for failure messages). */
  logs(service: string): string;
  /** The process id of a running service (to measure it, or to inject faults). */
  pid(service: string): number | undefined;
  /** Stops every service and removes the databases and streams. */
  dispose(): Promise<void>;
}

interface Member {
  spec: MeshService;
  port: number;
  adminPort: number;
  /** Absent for a service that owns no database (the gateway). */
  database?: TestDatabase;
  child?: ChildProcess;
  output: string[];
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const topology = await loadTopology();
  const natsUrl = options.natsUrl ?? SHARED_NATS_URL;
  const namespace = uniqueNamespace('sys');
  const members = new Map<string, Member>();
  for (const name of options.services) {
    const spec = serviceOf(topology, name);
    const missing = spec.calls.filter((callee) => !options.services.includes(callee));
    if (missing.length) throw new Error(`${name} calls ${missing.join(', ')}: start them too`);
    members.set(name, {
      spec,
      port: await freePort(),
      adminPort: await freePort(),
      database: spec.database ? await createTestDatabase(name) : undefined,
      output: [],
    });
  }
  const bus = await connectBus(natsUrl, 'system-test-setup');
  try {
    const contexts = [...new Set(topology.services.flatMap((s) => (s.context ? [s.context] : [])))];
    await ensureEventStreams(await bus.jsm(), namespace, contexts);
  } finally {
    await bus.close();
  }

  const member = (name: string): Member => {
    const m = members.get(name);
    if (!m) throw new Error(`${name} is not part of this system`);
    return m;
  };
  const environment = (m: Member): NodeJS.ProcessEnv => ({
    ...process.env,
    SERVICE_NAME: m.spec.name,
    PORT: String(m.port),
    ADMIN_PORT: String(m.adminPort),
    ...(m.database ? { DATABASE_URL: m.database.url } : {}),
    NATS_URL: natsUrl,
    EVENT_NAMESPACE: namespace,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_POOL_MAX: String(options.databasePoolMax ?? 5),
    ...Object.fromEntries(
      m.spec.calls.map((callee) => [upstreamVariable(callee), `http://127.0.0.1:${member(callee).port}`]),
    ),
    ...options.env?.[m.spec.name],
  });

  const start = async (name: string) => {
    const m = member(name);
    if (m.child && m.child.exitCode === null && m.child.signalCode === null) return;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serviceDirectory(name),
      env: environment(m),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    m.child = child;
    const keep = (chunk: Buffer) => {
      m.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (m.output.length > 200) m.output.splice(0, m.output.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitUntilReady(m, options.readyTimeoutMs ?? 30_000);
  };

  const stopWith = async (name: string, signal: NodeJS.Signals) => {
    const child = member(name).child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };

  // A test process that dies without disposing (an uncaught error, a closed pipe) takes its
  // services with it rather than leaving them holding ports and database connections.
  const killAll = () => {
    for (const m of members.values()) if (m.child?.exitCode === null) m.child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const clients = new Map<string, Client<DescService>>();
  const system: RunningSystem = {
    namespace,
    natsUrl,
    url: (name) => `http://127.0.0.1:${member(name).port}`,
    adminUrl: (name) => `http://127.0.0.1:${member(name).adminPort}`,
    databaseUrl: (name) => {
      const database = member(name).database;
      if (!database) throw new Error(`${name} owns no database`);
      return database.url;
    },
    client<T extends DescService>(name: string, desc: T): Client<T> {
      const key = `${name}/${desc.typeName}`;
      let client = clients.get(key);
      if (!client) {
        client = createServiceClient(desc, {
          upstream: `system-test-${namespace}-${name}`,
          baseUrl: system.url(name),
          // Tests drive load and faults on purpose: the client must not shed it before the system does.
          policy: {
            timeoutMs: 30_000,
            bulkheadConcurrency: 1024,
            bulkheadQueue: 1024,
            breakerMinimumCalls: 1000,
            breakerWindow: 1000,
          },
        });
        clients.set(key, client as Client<DescService>);
      }
      return client as Client<T>;
    },
    kill: (name) => stopWith(name, 'SIGKILL'),
    stop: (name) => stopWith(name, 'SIGTERM'),
    start,
    logs: (name) => member(name).output.slice(-40).join('\n'),
    pid: (name) => member(name).child?.pid,
    async dispose() {
      process.off('exit', killAll);
      await Promise.all([...members.keys()].map((name) => stopWith(name, 'SIGTERM')));
      const cleanup = await connectBus(natsUrl, 'system-test-cleanup');
      try {
        await deleteNamespaceStreams(await cleanup.jsm(), namespace);
      } finally {
        await cleanup.close();
      }
      await Promise.all([...members.values()].map((m) => m.database?.drop()));
    },
  };

  try {
    // Upstreams first, so a caller's first calls find them serving.
    for (const name of startOrder(options.services, topology)) await start(name);
  } catch (err) {
    await system.dispose().catch(() => {});
    throw err;
  }
  return system;
}

function serviceOf(topology: Topology, name: string): MeshService {
  const spec = topology.services.find((s) => s.name === name);
  if (!spec) throw new Error(`${name} is not in mesh/topology.yaml`);
  return spec;
}

/** Callees before callers. */
function startOrder(names: readonly string[], topology: Topology): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return;
    if (path.includes(name)) throw new Error(`the topology has a call cycle: ${[...path, name].join(' → ')}`);
    for (const callee of serviceOf(topology, name).calls) visit(callee, [...path, name]);
    order.push(name);
  };
  for (const name of names) visit(name, []);
  return order;
}

async function waitUntilReady(m: Member, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const child = m.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${m.spec.name} exited while starting:\n${m.output.slice(-30).join('\n')}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${m.adminPort}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${m.spec.name} was not ready within ${timeoutMs} ms:\n${m.output.slice(-30).join('\n')}`);
}
