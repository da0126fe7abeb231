/**
 * Who may call whom, read back from the Linkerd objects alone (never from the generator's own
 * types), and the same relation as the topology states it, so the two can be compared.
 */
import { inboundRules, type Topology } from '@paymesh/platform/mesh/topology';
import { ports } from '../lib/deployment-plan.js';
import { NAME_LABEL } from '../lib/manifest.js';
import { authorizationSpec, inboundRoutes, routeParents } from './manifest-checks.js';
import type { Doc, Labels, Manifests } from './manifest-index.js';

/** callee → caller → `all` or its sorted methods (`package.Service/Method`). */
export type AllowRelation = Record<string, Record<string, 'all' | string[]>>;

const HEALTH_PREFIX = '/grpc.health.v1.Health/';

/** The relation the manifests grant on the services' RPC and edge Servers; health routes apart. */
export function allowRelationOf(m: Manifests): AllowRelation {
  const relation: AllowRelation = {};
  const rpcServers = new Map(
    m
      .ofKind('Server')
      .filter((s) => s.spec?.port === ports.rpc || s.spec?.port === ports.edge)
      .map((s) => [
        s.metadata.name,
        (s.spec?.podSelector as { matchLabels?: Labels } | undefined)?.matchLabels?.[NAME_LABEL] ?? '',
      ]),
  );
  for (const callee of rpcServers.values()) relation[callee] = {};
  for (const policy of m.ofKind('AuthorizationPolicy')) {
    const { targetRef, requiredAuthenticationRefs } = authorizationSpec(policy);
    const callers = requiredAuthenticationRefs.flatMap((ref) => identitiesOf(m, ref.kind, ref.name));
    if (targetRef.kind === 'Server' && rpcServers.has(targetRef.name)) {
      const callee = rpcServers.get(targetRef.name) ?? '';
      for (const caller of callers) grant(relation, callee, caller, 'all');
    }
    if (targetRef.kind !== 'HTTPRoute') continue;
    const route = m.find('HTTPRoute', targetRef.name);
    const server = route && routeParents(route)[0]?.name;
    if (!route || !server || !rpcServers.has(server)) continue;
    const paths = routePaths(route);
    if (paths.every((p) => p.type === 'PathPrefix' && p.value === HEALTH_PREFIX)) continue;
    if (!paths.every((p) => p.type === 'Exact'))
      throw new Error(`${route.metadata.name} authorizes a path prefix`);
    const methods = paths.map((p) => p.value.slice(1));
    for (const caller of callers) grant(relation, rpcServers.get(server) ?? '', caller, methods);
  }
  return relation;
}

/** The topology's relation over the deployed services (a caller without a package has no identity yet). */
export function allowRelationOfTopology(topology: Topology, deployed: readonly string[]): AllowRelation {
  const relation: AllowRelation = {};
  for (const callee of deployed) {
    relation[callee] = {};
    for (const rule of inboundRules(topology, callee).filter((r) => deployed.includes(r.caller)))
      grant(relation, callee, rule.caller, rule.methods ? [...rule.methods] : 'all');
  }
  return relation;
}

export function routePaths(route: Doc): { type: string; value: string }[] {
  const rules = (route.spec?.rules ?? []) as { matches?: { path?: { type: string; value: string } }[] }[];
  return rules.flatMap((rule) => (rule.matches ?? []).flatMap((match) => (match.path ? [match.path] : [])));
}

/** The ServiceAccounts an authentication admits; `*` for any mesh identity. */
export function identitiesOf(m: Manifests, kind: string, name: string): string[] {
  const doc = m.find(kind, name);
  if (kind !== 'MeshTLSAuthentication' || !doc) return [];
  const spec = doc.spec as { identities?: string[]; identityRefs?: { name: string }[] };
  return [...(spec.identities ?? []), ...(spec.identityRefs ?? []).map((ref) => ref.name)];
}

export function rpcRoutesOf(m: Manifests, callee: string): Doc[] {
  return inboundRoutes(m).filter((r) => routeParents(r)[0]?.name === `${callee}-rpc`);
}

function grant(relation: AllowRelation, callee: string, caller: string, methods: 'all' | string[]): void {
  const callers = relation[callee] ?? {};
  relation[callee] = callers;
  const had = callers[caller];
  callers[caller] =
    had === 'all' || methods === 'all' ? 'all' : [...new Set([...(had ?? []), ...methods])].sort();
}
