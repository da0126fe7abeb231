/**
 * Every file of mesh/k8s from the topology, in memory: the namespace, per deployed service its
 * workload, Linkerd policy, outbound routes and database, NATS, the collector, the shared
 * authentications, the kustomization listing them all, and the canary overlay. `npm run
 * mesh:generate` writes them; the tests compare them with what is committed.
 */
import type { Topology } from '@paymesh/platform/mesh/topology';
import { stringify } from 'yaml';
import { CANARY_SERVICE, canaryObjects, canarySplit } from './canary.js';
import { type DeploymentPlan, hasPackage, planDeployment } from './deployment-plan.js';
import { sharedAuthentications } from './linkerd.js';
import { GENERATED_HEADER, type KubeObject, type ManifestFiles, meta, renderObjects } from './manifest.js';
import { natsObjects } from './nats.js';
import { COLLECTOR, collectorObjects } from './otel-collector.js';
import { outboundRoutes } from './outbound-routes.js';
import { databaseObjects } from './postgres.js';
import { loadProtoServices, type ProtoServices } from './proto-methods.js';
import { servicePolicy } from './service-policy.js';
import { serviceObjects } from './service-workloads.js';

export const KUSTOMIZATION = 'kustomization.yaml';
export const CANARY_OVERLAY = 'overlays/canary';

export interface GenerateOptions {
  /** Which services have a package (default: their folder has a package.json). */
  deployable?: (name: string) => boolean;
  protos?: ProtoServices;
}

export async function generateManifests(
  topology: Topology,
  options: GenerateOptions = {},
): Promise<ManifestFiles> {
  const plan = planDeployment(topology, options.deployable ?? hasPackage);
  const protos = options.protos ?? (await loadProtoServices());
  const base = new Map<string, KubeObject[]>([
    ['namespace.yaml', [namespaceObject(plan)]],
    ['mesh-authentications.yaml', sharedAuthentications(plan.namespace, [COLLECTOR])],
    ['infrastructure/nats.yaml', natsObjects(plan)],
    ['infrastructure/otel-collector.yaml', collectorObjects(plan)],
  ]);
  for (const service of plan.services) {
    const dir = `services/${service.name}`;
    base.set(`${dir}/workload.yaml`, serviceObjects(plan, service));
    base.set(`${dir}/policy.yaml`, servicePolicy(plan, service));
    const routes = outboundRoutes(plan, service, protos);
    if (routes.length) base.set(`${dir}/routes.yaml`, routes);
    const database = databaseObjects(plan, service);
    if (database.length) base.set(`${dir}/database.yaml`, database);
  }
  const files = new Map<string, string>();
  for (const [path, objects] of base) files.set(path, renderObjects(objects));
  files.set(KUSTOMIZATION, renderKustomization({ resources: [...base.keys()].sort() }));
  for (const [path, text] of canaryOverlay(plan, protos)) files.set(`${CANARY_OVERLAY}/${path}`, text);
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

function namespaceObject(plan: DeploymentPlan): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta(
      plan.namespace,
      undefined,
      { 'app.kubernetes.io/part-of': 'paymesh' },
      {
        'linkerd.io/inject': 'enabled',
        'config.linkerd.io/default-inbound-policy': 'deny',
        // The proxy starts before and stops after the service, so draining calls still reach their upstreams.
        'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'true',
      },
    ),
  };
}

/** The overlay's files, when the canary's service is deployed. */
function canaryOverlay(plan: DeploymentPlan, protos: ProtoServices): Map<string, string> {
  const service = plan.services.find((s) => s.name === CANARY_SERVICE);
  if (!service) return new Map();
  const workload = `${service.name}-canary.yaml`;
  const split = `${service.name}-split.yaml`;
  return new Map([
    [KUSTOMIZATION, renderKustomization({ resources: ['../..', workload], patches: [{ path: split }] })],
    [split, renderObjects(canarySplit(plan, service, protos))],
    [workload, renderObjects(canaryObjects(plan, service))],
  ]);
}

function renderKustomization(fields: Record<string, unknown>): string {
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...fields };
  return `${GENERATED_HEADER}\n${stringify(kustomization, { lineWidth: 0 })}`;
}
