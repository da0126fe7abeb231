/**
 * Linkerd's inbound policy objects, built the one way every workload uses them: a `Server` per
 * port (deny unless authorized), inbound `HTTPRoute`s whose parent is that Server, and
 * `AuthorizationPolicy`s that require a `MeshTLSAuthentication` (workload identities) or a
 * `NetworkAuthentication` (unmeshed clients by address, i.e. the kubelet). Also the mesh-wide
 * authentications every workload shares.
 */
import { type KubeObject, meta, NAME_LABEL } from './manifest.js';

export const POLICY_GROUP = 'policy.linkerd.io';
export const SERVER_API = `${POLICY_GROUP}/v1beta3`;
export const INBOUND_ROUTE_API = `${POLICY_GROUP}/v1beta3`;
export const AUTH_API = `${POLICY_GROUP}/v1alpha1`;

/** Unmeshed callers by address: the kubelet's probes, from a node whose CIDR is the cluster's. */
export const KUBELET = 'kubelet';
/** Any workload with a mesh identity: for health checks. */
export const ANY_MESH_IDENTITY = 'any-mesh-identity';
/** Who may read `/metrics`: the collector that scrapes the admin ports. */
export const METRICS_SCRAPERS = 'metrics-scrapers';

export type ProxyProtocol = 'unknown' | 'HTTP/1' | 'HTTP/2' | 'gRPC' | 'opaque' | 'TLS';
export type AccessPolicy = 'deny' | 'all-unauthenticated';

export interface ServerSpec {
  /** The workload, by its `app.kubernetes.io/name` (or an explicit selector for operator-made pods). */
  readonly selector: Readonly<Record<string, string>>;
  /** A container port name, or a number for pods an operator makes. */
  readonly port: string | number;
  readonly proxyProtocol: ProxyProtocol;
  readonly accessPolicy?: AccessPolicy;
}

export function server(name: string, namespace: string, spec: ServerSpec): KubeObject {
  return {
    apiVersion: SERVER_API,
    kind: 'Server',
    metadata: meta(name, namespace),
    spec: {
      podSelector: { matchLabels: spec.selector },
      port: spec.port,
      proxyProtocol: spec.proxyProtocol,
      accessPolicy: spec.accessPolicy ?? 'deny',
    },
  };
}

export function workloadSelector(workload: string): Record<string, string> {
  return { [NAME_LABEL]: workload };
}

export type PathMatch = { readonly type: 'Exact' | 'PathPrefix'; readonly value: string };

/** Gateway API's limit of rules in one route. */
const MAX_RULES = 16;

/** An inbound route on `serverName`: one rule per path (with `method`, when given). */
export function inboundRoute(
  name: string,
  namespace: string,
  serverName: string,
  paths: readonly PathMatch[],
  method?: 'GET',
): KubeObject {
  if (paths.length > MAX_RULES)
    throw new Error(`${name}: ${paths.length} paths do not fit one route (${MAX_RULES})`);
  return {
    apiVersion: INBOUND_ROUTE_API,
    kind: 'HTTPRoute',
    metadata: meta(name, namespace),
    spec: {
      parentRefs: [{ group: POLICY_GROUP, kind: 'Server', name: serverName }],
      rules: paths.map((path) => ({ matches: [{ path, ...(method ? { method } : {}) }] })),
    },
  };
}

/** The workloads (by ServiceAccount, sorted) an authorization may name. */
export function meshAuthentication(
  name: string,
  namespace: string,
  serviceAccounts: readonly string[],
): KubeObject {
  return {
    apiVersion: AUTH_API,
    kind: 'MeshTLSAuthentication',
    metadata: meta(name, namespace),
    spec: { identityRefs: [...serviceAccounts].sort().map((sa) => ({ kind: 'ServiceAccount', name: sa })) },
  };
}

export type AuthenticationKind = 'MeshTLSAuthentication' | 'NetworkAuthentication';

/** Authorizes what `target` (a Server or an inbound HTTPRoute) serves to callers passing `authentication`. */
export function authorization(
  name: string,
  namespace: string,
  target: { kind: 'Server' | 'HTTPRoute'; name: string },
  authentication: { kind: AuthenticationKind; name: string },
): KubeObject {
  return {
    apiVersion: AUTH_API,
    kind: 'AuthorizationPolicy',
    metadata: meta(name, namespace),
    spec: {
      targetRef: { group: POLICY_GROUP, kind: target.kind, name: target.name },
      requiredAuthenticationRefs: [
        { group: POLICY_GROUP, kind: authentication.kind, name: authentication.name },
      ],
    },
  };
}

/**
 * A route for the kubelet's HTTP probes on `serverName` and its authorization: once a Server has
 * routes, Linkerd no longer admits probes by default, so they are named here.
 */
export function probeAccess(name: string, namespace: string, serverName: string, paths: readonly string[]) {
  return [
    inboundRoute(
      name,
      namespace,
      serverName,
      paths.map((value) => ({ type: 'Exact', value })),
      'GET',
    ),
    authorization(
      name,
      namespace,
      { kind: 'HTTPRoute', name },
      { kind: 'NetworkAuthentication', name: KUBELET },
    ),
  ];
}

/** A `/metrics` route on `serverName` that only the scrapers may read. */
export function metricsAccess(name: string, namespace: string, serverName: string): KubeObject[] {
  return [
    inboundRoute(name, namespace, serverName, [{ type: 'Exact', value: '/metrics' }], 'GET'),
    authorization(
      name,
      namespace,
      { kind: 'HTTPRoute', name },
      { kind: 'MeshTLSAuthentication', name: METRICS_SCRAPERS },
    ),
  ];
}

/** An opaque (non-HTTP) port open to the workloads of `serviceAccounts` only. */
export function opaquePortAccess(
  name: string,
  namespace: string,
  selector: Readonly<Record<string, string>>,
  port: string | number,
  serviceAccounts: readonly string[],
): KubeObject[] {
  return [
    server(name, namespace, { selector, port, proxyProtocol: 'opaque' }),
    meshAuthentication(name, namespace, serviceAccounts),
    authorization(name, namespace, { kind: 'Server', name }, { kind: 'MeshTLSAuthentication', name }),
  ];
}

/**
 * The authentications every workload's policy refers to. The kubelet connects from its node's
 * address, which a generic manifest cannot know: every address is allowed, on probe routes only;
 * narrow `networks` to the cluster's node CIDR where it is known.
 */
export function sharedAuthentications(namespace: string, scrapers: readonly string[]): KubeObject[] {
  return [
    {
      apiVersion: AUTH_API,
      kind: 'NetworkAuthentication',
      metadata: meta(KUBELET, namespace),
      spec: { networks: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }] },
    },
    {
      apiVersion: AUTH_API,
      kind: 'MeshTLSAuthentication',
      metadata: meta(ANY_MESH_IDENTITY, namespace),
      spec: { identities: ['*'] },
    },
    meshAuthentication(METRICS_SCRAPERS, namespace, scrapers),
  ];
}
