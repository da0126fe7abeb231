/**
 * What goes into the cluster, decided from the topology: the services that have a package (the
 * others are future services, picked up as soon as their folder exists), sorted by name, and the
 * names every manifest uses for them, so the builders and the tests agree on one spelling.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  type MeshService,
  REPO_ROOT,
  serviceDirectory,
  type Topology,
} from '@paymesh/platform/mesh/topology';

export interface DeploymentPlan {
  readonly topology: Topology;
  /** The Kubernetes namespace (the topology's namespace). */
  readonly namespace: string;
  /** The services deployed, sorted by name. */
  readonly services: readonly MeshService[];
}

/** Whether a service's package exists (`services/<name>/package.json`, or `gateway/package.json`). */
export function hasPackage(name: string): boolean {
  return existsSync(join(serviceDirectory(name), 'package.json'));
}

/**
 * The plan for `topology`; throws when a deployed service calls one that is not deployed (its
 * `<NAME>_URL` would point nowhere).
 */
export function planDeployment(
  topology: Topology,
  deployable: (name: string) => boolean = hasPackage,
): DeploymentPlan {
  const services = topology.services
    .filter((s) => deployable(s.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set(services.map((s) => s.name));
  for (const service of services) {
    const missing = service.calls.filter((callee) => !names.has(callee));
    if (missing.length)
      throw new Error(`${service.name} calls ${missing.join(', ')}, which has no package yet`);
  }
  return { topology, namespace: topology.namespace, services };
}

/**
 * A service built on the kit's `defineService` owns a database and therefore also reads and writes
 * the bus; the gateway, which owns neither, reaches neither Postgres nor NATS.
 */
export function usesDataPlane(service: MeshService): boolean {
  return service.database !== undefined;
}

/** The working directory of a service in the image, e.g. `services/users` or `gateway`. */
export function serviceWorkdir(name: string): string {
  return relative(REPO_ROOT, serviceDirectory(name));
}

export const names = {
  /** The Linkerd Server of a service's RPC port. */
  rpcServer: (service: string) => `${service}-rpc`,
  /** The Linkerd Server of a service's admin port (probes, metrics). */
  adminServer: (service: string) => `${service}-admin`,
  /** The CloudNativePG cluster holding a service's database. */
  databaseCluster: (service: string) => `${service}-db`,
  /** The Secret CloudNativePG generates for a cluster's application owner (keys uri, username, password…). */
  databaseSecret: (cluster: string) => `${cluster}-app`,
  /** A Service's name inside the cluster. */
  host: (service: string, namespace: string) => `${service}.${namespace}.svc.cluster.local`,
};

/** Container port names: the RPC port, the edge's port, the admin port. */
export const ports = { rpc: 'grpc', edge: 'http', admin: 'admin' } as const;

/** The image every service runs (one Dockerfile); the tag is set in kustomization.yaml. */
export const IMAGE = 'paymesh';
export const IMAGE_TAG = 'dev';

/** The edge (the gateway, the only public door), as the topology marks it. */
export function isEdge(service: MeshService): boolean {
  return service.edge;
}
