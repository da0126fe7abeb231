/**
 * The service catalog, mesh/topology.yaml: each service's identity and ports, the database it owns,
 * the context whose stream it writes, the RPC services it serves, whom it calls (and, where it
 * matters, which methods) and the streams it consumes. The local tooling, the system test harness,
 * the kit's mTLS authorization and the Kubernetes/Linkerd generator all read it; validated on load
 * so a typo stops the command with the key named.
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
  /**
   * Per callee, the only methods it may call, as `package.Service/Method`; a callee missing here
   * may be called on every method it serves.
   */
  readonly callsMethods: Readonly<Record<string, readonly string[]>>;
  /** The contexts whose streams it consumes. */
  readonly consumes: readonly string[];
  /** Fully-qualified protobuf services it serves (besides grpc.health.v1.Health). */
  readonly serves: readonly string[];
  /** Its workload identity, `spiffe://<trustDomain>/ns/<namespace>/sa/<name>`. */
  readonly identity: string;
  /** The public door: its port takes outside clients, without client certificates. */
  readonly edge: boolean;
}

export interface Topology {
  /** The SPIFFE trust domain of every identity, e.g. `paymesh.local`. */
  readonly trustDomain: string;
  /** Prefix of stream and subject names and the Kubernetes namespace, e.g. `paymesh`. */
  readonly namespace: string;
  readonly services: readonly MeshService[];
}

/** Who may call a service: each caller with the methods it is limited to (`undefined`: all of them). */
export interface InboundRule {
  readonly caller: string;
  readonly identity: string;
  readonly methods?: readonly string[];
}

/** Every health check is open to any workload of the mesh (probes, the gateway's upstream checks). */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** A Postgres identifier we never need to quote-escape, and that fits in NAMEDATALEN. */
const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const TOKEN = /^[a-z][a-z0-9_-]*$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const PROTO_SERVICE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.[A-Z][A-Za-z0-9]*$/;
const METHOD = /^[A-Z][A-Za-z0-9]*$/;

export async function loadTopology(path = DEFAULT_TOPOLOGY_PATH): Promise<Topology> {
  return parseTopology(await readFile(path, 'utf8'), path);
}

export function parseTopology(text: string, source = 'topology'): Topology {
  const problems: string[] = [];
  const doc: unknown = parse(text);
  if (!isRecord(doc)) throw new Error(`${source}: expected a mapping at the top level`);
  const { namespace, trustDomain } = doc;
  if (typeof namespace !== 'string' || !TOKEN.test(namespace))
    problems.push('namespace: must be a lowercase token');
  if (typeof trustDomain !== 'string' || !DOMAIN.test(trustDomain))
    problems.push('trustDomain: must be a lowercase DNS name, e.g. paymesh.local');
  if (!isRecord(doc.services)) problems.push('services: must be a mapping of service name to settings');
  const services: (Omit<MeshService, 'callsMethods'> & { methodNames: Record<string, string[]> })[] = [];
  for (const [name, raw] of Object.entries(isRecord(doc.services) ? doc.services : {})) {
    const at = `services.${name}`;
    if (!TOKEN.test(name)) problems.push(`${at}: name must be a lowercase token`);
    if (!isRecord(raw)) {
      problems.push(`${at}: must be a mapping`);
      continue;
    }
    const { port, adminPort, database, context, edge } = raw;
    if (edge !== undefined && typeof edge !== 'boolean') problems.push(`${at}.edge: must be true or false`);
    const { calls, methodNames } = callList(raw.calls, `${at}.calls`, problems);
    const serves = protoServiceList(raw.serves, `${at}.serves`, problems);
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
      methodNames,
      consumes,
      serves,
      identity: `spiffe://${String(trustDomain)}/ns/${String(namespace)}/sa/${name}`,
      edge: edge === true,
    });
  }
  const names = new Set(services.map((s) => s.name));
  const contexts = new Set(services.flatMap((s) => (s.context ? [s.context] : [])));
  const byName = new Map(services.map((s) => [s.name, s]));
  const resolved: MeshService[] = [];
  for (const { methodNames, ...service } of services) {
    for (const callee of service.calls) {
      if (!names.has(callee)) problems.push(`services.${service.name}.calls: ${callee} is not a service`);
    }
    const callsMethods: Record<string, string[]> = {};
    for (const [callee, methods] of Object.entries(methodNames)) {
      const served = byName.get(callee)?.serves ?? [];
      const at = `services.${service.name}.calls.${callee}`;
      if (served.length === 0 && names.has(callee)) {
        problems.push(`${at}: ${callee} lists no \`serves\`, so its methods cannot be named`);
        continue;
      }
      callsMethods[callee] = methods.map((method) => {
        if (method.includes('/')) {
          if (!served.includes(method.slice(0, method.indexOf('/'))))
            problems.push(`${at}: ${method} is not in a service ${callee} serves`);
          return method;
        }
        if (served.length > 1)
          problems.push(`${at}: ${callee} serves several services; write ${method} as Service/Method`);
        return `${served[0]}/${method}`;
      });
    }
    resolved.push({ ...service, callsMethods });
    for (const context of service.consumes) {
      if (!contexts.has(context))
        problems.push(`services.${service.name}.consumes: no service owns the ${context} stream`);
    }
  }
  if (problems.length)
    throw new Error(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { trustDomain: String(trustDomain), namespace: String(namespace), services: resolved };
}

/** The callers the topology allows on a service, in catalog order. */
export function inboundRules(topology: Topology, callee: string): InboundRule[] {
  return topology.services
    .filter((s) => s.calls.includes(callee))
    .map((s) => ({
      caller: s.name,
      identity: s.identity,
      ...(s.callsMethods[callee] ? { methods: s.callsMethods[callee] } : {}),
    }));
}

/** Every workload's identity by name: what the development CA issues certificates for. */
export function workloadIdentities(topology: Topology): Record<string, string> {
  return Object.fromEntries(topology.services.map((s) => [s.name, s.identity]));
}

/** A service of the catalog by name; throws naming the file when it is not there. */
export function meshService(topology: Topology, name: string): MeshService {
  const service = topology.services.find((s) => s.name === name);
  if (!service) throw new Error(`${name} is not a service of mesh/topology.yaml`);
  return service;
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

/**
 * `calls` is a list of services (every method), or a mapping of service to the methods it may call
 * (short names like HoldFunds, or Service/Method when the callee serves several); `all` in a mapping
 * stands for every method.
 */
function callList(
  value: unknown,
  at: string,
  problems: string[],
): { calls: string[]; methodNames: Record<string, string[]> } {
  if (!isRecord(value)) return { calls: tokenList(value, at, problems), methodNames: {} };
  const calls: string[] = [];
  const methodNames: Record<string, string[]> = {};
  for (const [callee, methods] of Object.entries(value)) {
    if (!TOKEN.test(callee)) problems.push(`${at}: ${callee} must be a lowercase token`);
    calls.push(callee);
    if (methods === 'all') continue;
    const valid =
      Array.isArray(methods) &&
      methods.length > 0 &&
      methods.every((m) => typeof m === 'string' && (METHOD.test(m) || isQualifiedMethod(m)));
    if (!valid) {
      problems.push(`${at}.${callee}: must be \`all\` or a list of method names like HoldFunds`);
      continue;
    }
    methodNames[callee] = methods as string[];
  }
  return { calls, methodNames };
}

function isQualifiedMethod(value: string): boolean {
  const slash = value.indexOf('/');
  return slash > 0 && PROTO_SERVICE.test(value.slice(0, slash)) && METHOD.test(value.slice(slash + 1));
}

function protoServiceList(value: unknown, at: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && PROTO_SERVICE.test(v))) {
    problems.push(`${at}: must be a list of protobuf service names like paymesh.accounts.v1.AccountsService`);
    return [];
  }
  return value as string[];
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
