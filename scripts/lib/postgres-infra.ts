/**
 * Postgres for local runs and CI: find out whether the server answers, start the local cluster that
 * owns the port when it does not, and give each service its own login role and database. Nobody else
 * may connect to a service's database; on a trust-auth machine the role is the isolation boundary.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { errorMessage, InfraError, isLocalHost, waitUntil, where } from './local-server.js';

const run = promisify(execFile);

/** Serialises concurrent provisioning runs (CI beside a developer, parallel test files). */
const PROVISIONING_LOCK = 0x7061796d; // 'paym'

export type PostgresProbe = { up: true; version: string } | { up: false; reason: string };

/** Connects as the admin role; "down" means nothing accepted the connection. */
export async function probePostgres(adminUrl: string): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (
      code === 'ECONNREFUSED' ||
      code === 'ENOENT' ||
      code === 'EHOSTUNREACH' ||
      /timeout/i.test(String(err))
    )
      return { up: false, reason: String(code ?? err) };
    throw new InfraError(`Postgres at ${where(adminUrl)} refused the admin connection: ${errorMessage(err)}`);
  }
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return { up: true, version: rows[0]?.server_version.split(' ')[0] ?? 'unknown' };
  } finally {
    await client.end();
  }
}

/**
 * Starts the local cluster configured for the admin URL's port (Debian's pg_lsclusters tells which),
 * then waits for it to accept connections.
 */
export async function startPostgres(adminUrl: string, pgCtlcluster: string): Promise<string> {
  const { hostname, port } = new URL(adminUrl);
  const wanted = port || '5432';
  if (!isLocalHost(hostname))
    throw new InfraError(`Postgres at ${where(adminUrl)} is down and is not on this machine`);
  const { stdout } = await run(join(dirname(pgCtlcluster), 'pg_lsclusters'), ['--no-header']);
  const cluster = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[2] === wanted);
  if (!cluster?.[0] || !cluster[1])
    throw new InfraError(
      `Postgres is down at ${where(adminUrl)} and no local cluster uses port ${wanted} (pg_lsclusters); create one: pg_createcluster <version> main -p ${wanted}`,
    );
  const [version, name] = cluster;
  try {
    await run(pgCtlcluster, ['--skip-systemctl-redirect', version, name, 'start']);
  } catch (err) {
    throw new InfraError(`pg_ctlcluster ${version} ${name} start failed: ${errorMessage(err)}`);
  }
  const up = await waitUntil(async () => (await probePostgres(adminUrl)).up, 30_000);
  if (!up)
    throw new InfraError(
      `Postgres ${version}/${name} started but ${where(adminUrl)} did not answer within 30 s`,
    );
  return `${version}/${name}`;
}

export type ProvisionOutcome = 'created' | 'repaired' | 'ok';

export interface ProvisionedDatabase {
  readonly database: string;
  readonly outcome: ProvisionOutcome;
}

/**
 * For each name: a LOGIN role (no superuser, no role creation: either would bypass the isolation),
 * a database owned by it, CONNECT taken from PUBLIC and from every other service role. Only what
 * differs from that state is changed, so a second run writes nothing.
 */
export async function provisionServiceDatabases(
  adminUrl: string,
  databases: readonly string[],
): Promise<ProvisionedDatabase[]> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    const results: ProvisionedDatabase[] = [];
    for (const database of databases) results.push(await provisionOne(client, database, databases));
    return results;
  } finally {
    await client.end();
  }
}

async function provisionOne(
  client: pg.Client,
  name: string,
  serviceRoles: readonly string[],
): Promise<ProvisionedDatabase> {
  const id = quoteIdent(name);
  let created = false;
  let repaired = false;

  const role = await client.query<{ rolcanlogin: boolean; rolsuper: boolean; rolcreaterole: boolean }>(
    'SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = $1',
    [name],
  );
  const existingRole = role.rows[0];
  if (!existingRole) {
    await client.query(`CREATE ROLE ${id} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB`);
    created = true;
  } else if (!existingRole.rolcanlogin || existingRole.rolsuper || existingRole.rolcreaterole) {
    await client.query(`ALTER ROLE ${id} LOGIN NOSUPERUSER NOCREATEROLE`);
    repaired = true;
  }

  const db = await client.query<{ owner: string; acl: string[] | null }>(
    'SELECT pg_get_userbyid(datdba) AS owner, datacl::text[] AS acl FROM pg_database WHERE datname = $1',
    [name],
  );
  const existingDb = db.rows[0];
  if (!existingDb) {
    await client.query(`CREATE DATABASE ${id} OWNER ${id}`);
    created = true;
  } else if (existingDb.owner !== name) {
    await client.query(`ALTER DATABASE ${id} OWNER TO ${id}`);
    repaired = true;
  }

  // A null ACL means the defaults, which let PUBLIC connect.
  const acl = existingDb?.acl ?? null;
  const grantees = (acl ?? []).map(parseAclItem);
  if (acl === null || grantees.some((g) => g.grantee === '')) {
    await client.query(`REVOKE ALL ON DATABASE ${id} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${id} TO ${id}`);
    if (!created) repaired = true;
  }
  for (const { grantee, privileges } of grantees) {
    if (grantee !== name && serviceRoles.includes(grantee) && privileges.includes('c')) {
      await client.query(`REVOKE CONNECT ON DATABASE ${id} FROM ${quoteIdent(grantee)}`);
      repaired = true;
    }
  }
  return { database: name, outcome: created ? 'created' : repaired ? 'repaired' : 'ok' };
}

/** `grantee=privileges/grantor`; an empty grantee is PUBLIC. */
function parseAclItem(item: string): { grantee: string; privileges: string } {
  const eq = item.lastIndexOf('=', item.indexOf('/'));
  return {
    grantee: item.slice(0, eq).replace(/^"|"$/g, ''),
    privileges: item.slice(eq + 1).split('/')[0] ?? '',
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
