/**
 * The service catalog, mesh/topology.yaml: each service's ports, the database it owns, the context
 * whose stream it writes, the services it calls and the streams it consumes. The local tooling and
 * the system test harness read it; validated on load so a typo stops the command with the key named.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root (platform/src/mesh/ is three levels down). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const DEFAULT_TOPOLOGY_PATH = fileURLToPath(new URL('../../../mesh/topology.yaml', import.meta.url));

export interface MeshService {
  readonly name: string;
  readonly port: number;
  readonly adminPort: number;
  /** The Postgres database this service alone owns; its login role has the same name. */
  readonly database?: string;
  /** The bounded context whose stream the service writes. */
  readonly context?: string;
  /** The services it may call. */
  readonly calls: readonly string[];
  /** The contexts whose streams it consumes. */
  readonly consumes: readonly string[];
}

export interface Topology {
  /** Prefix of stream and subject names, e.g. `paymesh`. */
  readonly namespace: string;
  readonly services: readonly MeshService[];
}

/** A Postgres identifier we never need to quote-escape, and that fits in NAMEDATALEN. */
const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const TOKEN = /^[a-z][a-z0-9_-]*$/;

export async function loadTopology(path = DEFAULT_TOPOLOGY_PATH): Promise<Topology> {
  return parseTopology(await readFile(path, 'utf8'), path);
}

export function parseTopology(text: string, source = 'topology'): Topology {
  const problems: string[] = [];
  const doc: unknown = parse(text);
  if (!isRecord(doc)) throw new Error(`${source}: expected a mapping at the top level`);
  const namespace = doc.namespace;
  if (typeof namespace !== 'string' || !TOKEN.test(namespace))
    problems.push('namespace: must be a lowercase token');
  if (!isRecord(doc.services)) problems.push('services: must be a mapping of service name to settings');
  const services: MeshService[] = [];
  for (const [name, raw] of Object.entries(isRecord(doc.services) ? doc.services : {})) {
    const at = `services.${name}`;
    if (!TOKEN.test(name)) problems.push(`${at}: name must be a lowercase token`);
    if (!isRecord(raw)) {
      problems.push(`${at}: must be a mapping`);
      continue;
    }
    const { port, adminPort, database, context } = raw;
    const calls = tokenList(raw.calls, `${at}.calls`, problems);
    const consumes = tokenList(raw.consumes, `${at}.consumes`, problems);
    if (!isPort(port)) problems.push(`${at}.port: must be a TCP port`);
    if (!isPort(adminPort)) problems.push(`${at}.adminPort: must be a TCP port`);
    if (database !== undefined && (typeof database !== 'string' || !SQL_NAME.test(database)))
      problems.push(`${at}.database: must be a lowercase SQL name`);
    if (context !== undefined && (typeof context !== 'string' || !TOKEN.test(context)))
      problems.push(`${at}.context: must be a lowercase token`);
    services.push({
      name,
      port: Number(port),
      adminPort: Number(adminPort),
      ...(typeof database === 'string' ? { database } : {}),
      ...(typeof context === 'string' ? { context } : {}),
      calls,
      consumes,
    });
  }
  const names = new Set(services.map((s) => s.name));
  const contexts = new Set(services.flatMap((s) => (s.context ? [s.context] : [])));
  for (const service of services) {
    for (const callee of service.calls) {
      if (!names.has(callee)) problems.push(`services.${service.name}.calls: ${callee} is not a service`);
    }
    for (const context of service.consumes) {
      if (!contexts.has(context))
        problems.push(`services.${service.name}.consumes: no service owns the ${context} stream`);
    }
  }
  if (problems.length)
    throw new Error(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { namespace: String(namespace), services };
}

/** Where a service's package lives: services/<name>, or <name>/ for the edge (gateway/). */
export function serviceDirectory(name: string): string {
  const inServices = join(REPO_ROOT, 'services', name);
  return existsSync(join(inServices, 'package.json')) ? inServices : join(REPO_ROOT, name);
}

/** The contexts that own a stream, each once, in catalog order. */
export function streamContexts(topology: Topology): string[] {
  return [...new Set(topology.services.flatMap((s) => (s.context ? [s.context] : [])))];
}

/** The connection URL a service uses: its own role on its own database, on the admin URL's server. */
export function serviceDatabaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.username = database;
  url.password = '';
  url.pathname = `/${database}`;
  url.search = '';
  return url.toString();
}

function tokenList(value: unknown, at: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && TOKEN.test(v))) {
    problems.push(`${at}: must be a list of lowercase tokens`);
    return [];
  }
  return value as string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPort(value: unknown): boolean {
  return Number.isInteger(value) && Number(value) > 0 && Number(value) < 65536;
}
