/**
 * The system under test: paymesh services as real processes (`node --import tsx src/main.ts`), each
 * on its own throwaway database, all on one unique event namespace, wired to each other as
 * mesh/topology.yaml says — over mTLS by default, with a development CA of its own, one certificate
 * per service, and the topology's authorization on every east-west port. A service can be killed
 * with SIGKILL and restarted on the same ports and database, the way a crash and a reschedule look
 * in production.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DescService } from '@bufbuild/protobuf';
import type { Client } from '@connectrpc/connect';
import { createServiceClient } from '../client/service-client.js';
import {
  type CredentialFiles,
  credentialVariables,
  type WrittenCredentials,
  writeMeshCredentials,
} from '../mesh/certificates.js';
import { loadMeshCredentials, type MeshCredentials } from '../mesh/mesh-credentials.js';
import {
  inboundRules,
  loadTopology,
  type MeshService,
  meshService,
  serviceDirectory,
  type Topology,
  workloadIdentities,
} from '../mesh/topology.js';
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
  /**
   * East-west mTLS with the topology enforced (default true). Off, every port is plaintext: for
   * tools that cannot present a client certificate (the Pact verifier).
   */
  mtls?: boolean;
}

export interface ClientOptions {
  /**
   * The workload the test client speaks as (its certificate); by default the first caller the
   * topology allows on that service. Only meaningful with mTLS.
   */
  as?: string;
}

export interface RunningSystem {
  readonly namespace: string;
  readonly natsUrl: string;
  /** `https://127.0.0.1:<port>` (or http without mTLS) of a service's RPC port. */
  url(service: string): string;
  /** The credential files of a workload of this system's mesh (mTLS only), e.g. for a grpc-js client. */
  credentials(workload: string): CredentialFiles;
  /** `http://127.0.0.1:<port>` of a service's admin port (`/readyz`, `/metrics`). */
  adminUrl(service: string): string;
  databaseUrl(service: string): string;
  /** A kit client of a service (deadline, safe retries), with room for the load a test drives. */
  client<T extends DescService>(service: string, desc: T, options?: ClientOptions): Client<T>;
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
  /** Once it has been ready, its ports are its own: restarts keep them. */
  started: boolean;
}

/** Times a first start is tried on fresh ports when the ones picked were taken meanwhile. */
const PORT_ATTEMPTS = 3;

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
      started: false,
    });
  }
  const mtls = options.mtls ?? true;
  // Every workload of the catalog gets a certificate: tests speak as any of them.
  const mesh: WrittenCredentials | undefined = mtls
    ? await writeMeshCredentials(await mkdtemp(join(tmpdir(), 'paymesh-mesh-')), {
        identities: workloadIdentities(topology),
      })
    : undefined;
  /** The edge takes outside clients in plaintext; with mTLS every other port is https. */
  const urlOf = (m: Member) => `${mesh && !m.spec.edge ? 'https' : 'http'}://127.0.0.1:${m.port}`;
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
    ...(mesh && credentialVariables(mesh.files(m.spec.name))),
    ...Object.fromEntries(m.spec.calls.map((callee) => [upstreamVariable(callee), urlOf(member(callee))])),
    ...options.env?.[m.spec.name],
  });

  // Extra node options for every service process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see
  // where a benchmark's services spend their time (NODE_OPTIONS does not take --cpu-prof).
  const nodeArgs = process.env.PAYMESH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const launch = async (m: Member) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
      cwd: serviceDirectory(m.spec.name),
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
    m.started = true;
  };

  const start = async (name: string) => {
    const m = member(name);
    if (m.child && m.child.exitCode === null && m.child.signalCode === null) return;
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(m);
      } catch (err) {
        // A free port is only free when picked: an outgoing connection may take it before the
        // service binds it. A first start moves to fresh ports; its callers start after it.
        const taken = m.output.some((line) => line.includes('EADDRINUSE'));
        if (m.started || !taken || attempt === PORT_ATTEMPTS) throw err;
        m.port = await freePort();
        m.adminPort = await freePort();
        m.output.length = 0;
      }
    }
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
  // Test clients may speak as any workload; loaded up front so `client()` stays synchronous.
  const loaded = new Map<string, MeshCredentials>();
  if (mesh)
    for (const s of topology.services)
      loaded.set(s.name, await loadMeshCredentials(mesh.files(s.name), { watchIntervalMs: 0 }));
  const system: RunningSystem = {
    namespace,
    natsUrl,
    url: (name) => urlOf(member(name)),
    credentials(workload) {
      if (!mesh) throw new Error('this system runs without mTLS');
      meshService(topology, workload);
      return mesh.files(workload);
    },
    adminUrl: (name) => `http://127.0.0.1:${member(name).adminPort}`,
    databaseUrl: (name) => {
      const database = member(name).database;
      if (!database) throw new Error(`${name} owns no database`);
      return database.url;
    },
    client<T extends DescService>(name: string, desc: T, clientOptions: ClientOptions = {}): Client<T> {
      // The edge takes outside clients: plain, like the browser.
      const mtlsCallee = mesh && !member(name).spec.edge;
      const as = mtlsCallee ? (clientOptions.as ?? defaultCaller(topology, name)) : undefined;
      const key = `${name}/${desc.typeName}/${as ?? ''}`;
      let client = clients.get(key);
      if (!client) {
        const credentials = as ? loaded.get(as) : undefined;
        if (as && !credentials) throw new Error(`${as} is not a workload of mesh/topology.yaml`);
        client = createServiceClient(desc, {
          upstream: `system-test-${namespace}-${name}-${as ?? 'plain'}`,
          baseUrl: system.url(name),
          ...(credentials && {
            nodeOptions: credentials.clientOptions(meshService(topology, name).identity),
          }),
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
      for (const credentials of loaded.values()) credentials.close();
      if (mesh) await rm(mesh.dir, { recursive: true, force: true });
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

/** The identity a test client takes to call `service` by default: its first caller in the catalog. */
function defaultCaller(topology: Topology, service: string): string {
  const caller = inboundRules(topology, service)[0]?.caller;
  if (!caller) throw new Error(`no service calls ${service} in mesh/topology.yaml: pass { as } to client()`);
  return caller;
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
