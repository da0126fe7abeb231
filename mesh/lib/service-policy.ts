/**
 * The Linkerd policy of one service, derived from `inboundRules(topology, service)`:
 *
 * - its RPC port is a Server that denies by default; a service nobody calls gets nothing more;
 * - callers allowed every method: one MeshTLSAuthentication and an AuthorizationPolicy on the
 *   Server (Linkerd applies it to every route), plus a catch-all route so their calls match one;
 * - callers limited to methods: the methods are grouped by exactly who may call them, and each
 *   group is an inbound HTTPRoute of exact `/<package.Service>/<Method>` paths with its own
 *   MeshTLSAuthentication and AuthorizationPolicy (routes never overlap, so a request matches one);
 * - `/grpc.health.v1.Health/` is open to any mesh identity;
 * - the admin port: probes from the kubelet, `/metrics` for the scrapers, nothing else.
 *
 * The edge's port is the exception: it takes unauthenticated traffic, it is the door from outside.
 */
import { HEALTH_SERVICE, inboundRules, type MeshService } from '@paymesh/platform/mesh/topology';
import { type DeploymentPlan, isEdge, names, ports } from './deployment-plan.js';
import {
  ANY_MESH_IDENTITY,
  authorization,
  inboundRoute,
  meshAuthentication,
  metricsAccess,
  probeAccess,
  server,
  workloadSelector,
} from './linkerd.js';
import type { KubeObject } from './manifest.js';

/** Who may call a service, as the manifests express it: callers of every method, and method groups. */
export interface ServiceAccess {
  /** Callers allowed every method, sorted. */
  readonly allMethods: readonly string[];
  /** Method-limited callers, grouped by the methods exactly they share; sorted, disjoint. */
  readonly methodGroups: readonly MethodGroup[];
}

export interface MethodGroup {
  /** The limited callers allowed these methods, sorted. */
  readonly callers: readonly string[];
  /** `package.Service/Method`, sorted. */
  readonly methods: readonly string[];
}

/** The access the topology gives `service`, from its deployed callers only (the rest have no identity yet). */
export function serviceAccess(plan: DeploymentPlan, service: MeshService): ServiceAccess {
  const deployed = new Set(plan.services.map((s) => s.name));
  const rules = inboundRules(plan.topology, service.name).filter((rule) => deployed.has(rule.caller));
  const allMethods = rules.filter((rule) => !rule.methods).map((rule) => rule.caller);
  const callersOf = new Map<string, string[]>();
  for (const rule of rules) {
    for (const method of rule.methods ?? [])
      callersOf.set(method, [...(callersOf.get(method) ?? []), rule.caller]);
  }
  const groups = new Map<string, MethodGroup>();
  for (const [method, callers] of callersOf) {
    const sorted = [...callers].sort();
    const key = sorted.join(',');
    const group = groups.get(key);
    groups.set(key, { callers: sorted, methods: [...(group?.methods ?? []), method].sort() });
  }
  return {
    allMethods: allMethods.sort(),
    methodGroups: [...groups.values()].sort((a, b) => a.callers.join(',').localeCompare(b.callers.join(','))),
  };
}

export function servicePolicy(plan: DeploymentPlan, service: MeshService): KubeObject[] {
  return [...rpcPolicy(plan, service), ...adminPolicy(plan, service)];
}

function rpcPolicy(plan: DeploymentPlan, service: MeshService): KubeObject[] {
  const { namespace } = plan;
  const rpc = names.rpcServer(service.name);
  if (isEdge(service)) {
    return [
      server(rpc, namespace, {
        selector: workloadSelector(service.name),
        port: ports.edge,
        // Browsers speak HTTP/1.1 and HTTP/2 on the same port: let the proxy detect which.
        proxyProtocol: 'unknown',
        accessPolicy: 'all-unauthenticated',
      }),
    ];
  }
  const objects: KubeObject[] = [
    // HTTP/2 rather than gRPC: Linkerd routes an HTTP/2 Server's requests by its HTTPRoutes.
    server(rpc, namespace, {
      selector: workloadSelector(service.name),
      port: ports.rpc,
      proxyProtocol: 'HTTP/2',
    }),
  ];
  const access = serviceAccess(plan, service);
  if (access.allMethods.length === 0 && access.methodGroups.length === 0) return objects;

  const health = `${rpc}-health`;
  objects.push(
    inboundRoute(health, namespace, rpc, [{ type: 'PathPrefix', value: `/${HEALTH_SERVICE}/` }]),
    authorization(
      health,
      namespace,
      { kind: 'HTTPRoute', name: health },
      { kind: 'MeshTLSAuthentication', name: ANY_MESH_IDENTITY },
    ),
  );
  if (access.allMethods.length) {
    const all = `${rpc}-all-methods`;
    objects.push(
      inboundRoute(all, namespace, rpc, [{ type: 'PathPrefix', value: '/' }]),
      meshAuthentication(all, namespace, access.allMethods),
      authorization(
        all,
        namespace,
        { kind: 'Server', name: rpc },
        { kind: 'MeshTLSAuthentication', name: all },
      ),
    );
  }
  for (const group of access.methodGroups) {
    const name = `${rpc}-${group.callers.join('-')}`;
    objects.push(
      inboundRoute(
        name,
        namespace,
        rpc,
        group.methods.map((method) => ({ type: 'Exact', value: `/${method}` })),
      ),
      meshAuthentication(name, namespace, group.callers),
      authorization(name, namespace, { kind: 'HTTPRoute', name }, { kind: 'MeshTLSAuthentication', name }),
    );
  }
  return objects;
}

function adminPolicy(plan: DeploymentPlan, service: MeshService): KubeObject[] {
  const { namespace } = plan;
  const admin = names.adminServer(service.name);
  return [
    server(admin, namespace, {
      selector: workloadSelector(service.name),
      port: ports.admin,
      proxyProtocol: 'HTTP/1',
    }),
    ...probeAccess(`${admin}-probes`, namespace, admin, ['/livez', '/readyz']),
    ...metricsAccess(`${admin}-metrics`, namespace, admin),
  ];
}
