/**
 * The infrastructure command against the machine's real Postgres and NATS: it provisions the catalog
 * idempotently, isolates each service's database, creates the streams, starts a server that is down,
 * and says what to install when it cannot. Anything beyond the catalog's own names is unique per run
 * and removed afterwards.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventNames } from '@paymesh/platform/events/naming';
import {
  loadTopology,
  REPO_ROOT,
  serviceDatabaseUrl,
  streamContexts,
  type Topology,
} from '@paymesh/platform/mesh/topology';
import { deleteNamespaceStreams } from '@paymesh/platform/nats/streams';
import { freePort, SHARED_NATS_URL, uniqueNamespace } from '@paymesh/platform/testing/nats';
import { ADMIN_URL, adminQuery } from '@paymesh/platform/testing/postgres';
import pg from 'pg';
import { natsAddress } from './lib/nats-infra.js';

interface InfraRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runInfra(env: NodeJS.ProcessEnv = {}): Promise<InfraRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/infra.ts'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, PAYMESH_PG_ADMIN_URL: ADMIN_URL, PAYMESH_NATS_URL: SHARED_NATS_URL, ...env },
      },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function assertSucceeded(run: InfraRun): void {
  assert.equal(run.code, 0, `infra failed:\n${run.stdout}${run.stderr}`);
}

/** Whether `database`'s role can open `target`; the SQLSTATE when it cannot. */
async function connectAs(database: string, target: string): Promise<'ok' | string> {
  const url = new URL(serviceDatabaseUrl(ADMIN_URL, database));
  url.pathname = `/${target}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const { rows } = await client.query<{ user: string }>('SELECT current_user AS user');
    assert.equal(rows[0]?.user, database);
    return 'ok';
  } catch (err) {
    return String((err as { code?: unknown }).code ?? err);
  } finally {
    await client.end().catch(() => {});
  }
}

async function withJetStream<T>(
  url: string,
  use: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>,
) {
  const { host, port } = natsAddress(url);
  const nc = await connect({ servers: `${host}:${port}`, reconnect: false });
  try {
    return await use(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

/** Everything the command is responsible for, as data, to compare one run with the next. */
async function provisionedState(topology: Topology, natsUrl = SHARED_NATS_URL) {
  const databases = topology.services.flatMap((s) => (s.database ? [s.database] : []));
  const roles = await adminQuery(
    'SELECT rolname, rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
    [databases],
  );
  const dbs = await adminQuery(
    `SELECT datname, pg_get_userbyid(datdba) AS owner, datacl::text[] AS acl
       FROM pg_database WHERE datname = ANY($1) ORDER BY datname`,
    [databases],
  );
  const names = eventNames(topology.namespace);
  const expectedStreams = [...streamContexts(topology).map((c) => names.stream(c)), names.deadLetterStream];
  const streams = await withJetStream(natsUrl, async (jsm) =>
    Promise.all(
      expectedStreams.map(async (name) => {
        const info = await jsm.streams.info(name);
        return { name, subjects: info.config.subjects, created: info.created };
      }),
    ),
  );
  return { roles: roles.rows, databases: dbs.rows, streams };
}

describe('npm run infra on the catalog (mesh/topology.yaml)', () => {
  let topology: Topology;
  before(async () => {
    topology = await loadTopology();
  });

  it('provisions every service database and stream, and a second run changes nothing', async () => {
    assertSucceeded(await runInfra());
    const first = await provisionedState(topology);
    const second = await runInfra();
    assertSucceeded(second);
    assert.match(second.stdout, /created: none; repaired: none/);
    assert.match(second.stdout, /streams; created: none/);
    assert.deepEqual(await provisionedState(topology), first);
  });

  it('lets each service role open its own database and refuses it every other service database', async () => {
    assertSucceeded(await runInfra());
    const databases = topology.services.flatMap((s) => (s.database ? [s.database] : []));
    assert.ok(databases.length >= 2);
    for (const own of databases) {
      assert.equal(await connectAs(own, own), 'ok', `${own} cannot open its own database`);
      for (const other of databases.filter((d) => d !== own)) {
        // 42501: insufficient_privilege ("User does not have CONNECT privilege").
        assert.equal(await connectAs(own, other), '42501', `${own} could open ${other}`);
      }
    }
  });

  it('creates one stream per context, keyed by aggregate, and the dead-letter stream', async () => {
    assertSucceeded(await runInfra());
    const { streams } = await provisionedState(topology);
    const names = eventNames(topology.namespace);
    assert.deepEqual(
      streams.map((s) => [s.name, s.subjects]),
      [
        ...streamContexts(topology).map((c) => [names.stream(c), [names.contextSubjects(c)]]),
        [names.deadLetterStream, [names.deadLetterSubjects]],
      ],
    );
  });
});

describe('npm run infra on a catalog it has never seen', () => {
  const namespace = uniqueNamespace('tinfra');
  const alpha = `${namespace}_alpha`;
  const beta = `${namespace}_beta`;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let topology: Topology;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paymesh-infra-'));
    const path = join(dir, 'topology.yaml');
    await writeFile(
      path,
      [
        'trustDomain: paymesh.test',
        `namespace: ${namespace}`,
        'services:',
        `  alpha: { port: 3990, adminPort: 9990, database: ${alpha}, context: alpha }`,
        `  beta: { port: 3991, adminPort: 9991, database: ${beta}, context: beta }`,
        '  edge: { port: 3992, adminPort: 9992 }',
      ].join('\n'),
    );
    env = { PAYMESH_TOPOLOGY: path };
    topology = await loadTopology(path);
  });

  after(async () => {
    for (const name of [alpha, beta]) {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await adminQuery(`DROP ROLE IF EXISTS "${name}"`);
    }
    await withJetStream(SHARED_NATS_URL, (jsm) => deleteNamespaceStreams(jsm, namespace));
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the roles, databases and streams, then finds them all present', async () => {
    const first = await runInfra(env);
    assertSucceeded(first);
    assert.match(
      first.stdout,
      new RegExp(`2 service databases with own roles; created: ${alpha}, ${beta}; repaired: none`),
    );
    const upper = namespace.toUpperCase();
    assert.match(first.stdout, new RegExp(`3 streams; created: ${upper}_ALPHA, ${upper}_BETA, ${upper}_DLQ`));
    const state = await provisionedState(topology);

    const second = await runInfra(env);
    assertSucceeded(second);
    assert.match(second.stdout, /created: none; repaired: none/);
    assert.deepEqual(await provisionedState(topology), state);
    assert.equal(await connectAs(alpha, alpha), 'ok');
    assert.equal(await connectAs(alpha, beta), '42501');
  });

  it('closes a service database again after someone opened it to everyone and to another service', async () => {
    assertSucceeded(await runInfra(env));
    await adminQuery(`GRANT CONNECT ON DATABASE "${alpha}" TO PUBLIC`);
    await adminQuery(`GRANT CONNECT ON DATABASE "${alpha}" TO "${beta}"`);
    assert.equal(await connectAs(beta, alpha), 'ok');

    const run = await runInfra(env);
    assertSucceeded(run);
    assert.match(run.stdout, new RegExp(`created: none; repaired: ${alpha}\\b`));
    assert.equal(await connectAs(beta, alpha), '42501');
    assert.equal(await connectAs(alpha, alpha), 'ok');
  });
});

describe('npm run infra when a server is down', () => {
  const natsServer = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

  it('starts nats-server with JetStream on the configured port and creates the streams there', {
    skip: existsSync(natsServer) ? false : `${natsServer} is not installed`,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paymesh-infra-nats-'));
    const topologyPath = join(dir, 'topology.yaml');
    const namespace = uniqueNamespace('tinfra');
    await writeFile(
      topologyPath,
      `trustDomain: paymesh.test\nnamespace: ${namespace}\nservices:\n  solo: { port: 3993, adminPort: 9993, context: solo }\n`,
    );
    const natsUrl = `nats://127.0.0.1:${await freePort()}`;
    const pidFile = join(dir, 'nats.pid');
    try {
      const run = await runInfra({
        PAYMESH_TOPOLOGY: topologyPath,
        PAYMESH_NATS_URL: natsUrl,
        PAYMESH_NATS_STORE_DIR: join(dir, 'store'),
        PAYMESH_NATS_LOG: join(dir, 'nats.log'),
        PAYMESH_NATS_PID_FILE: pidFile,
        NATS_SERVER_BIN: natsServer,
      });
      assertSucceeded(run);
      assert.match(run.stdout, /\(started pid \d+\): 2 streams/);
      const upper = namespace.toUpperCase();
      const streams = await withJetStream(natsUrl, async (jsm) => {
        const found: string[] = [];
        for await (const name of jsm.streams.names()) found.push(name);
        return found.sort();
      });
      assert.deepEqual(streams, [`${upper}_DLQ`, `${upper}_SOLO`]);
    } finally {
      const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
      if (pid > 0) {
        process.kill(pid, 'SIGTERM');
        while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the packages to install, on one line, when the servers are down and not installed', async () => {
    const run = await runInfra({
      PAYMESH_PG_ADMIN_URL: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`,
      PAYMESH_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
      PG_CTLCLUSTER_BIN: '/nonexistent/pg_ctlcluster',
      NATS_SERVER_BIN: '/nonexistent/nats-server',
    });
    assert.notEqual(run.code, 0);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] ?? '', /down and not installed: apt-get install postgresql nats-server$/);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
