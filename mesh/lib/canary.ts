/**
 * The canary overlay (`kubectl apply -k mesh/k8s/overlays/canary`): a second Deployment of one
 * service on the `canary` track (image tag `canary`), a Service per track, and the service's
 * outbound GRPCRoutes patched to send a share of calls to the canary by backend weight. The base
 * Service and the Linkerd policy select the service by name, so both tracks are authorized alike.
 *
 * GRPCRoute weights rather than an SMI TrafficSplit: Linkerd 2.14+ reads Gateway API routes
 * natively (SMI needs an extension it no longer maintains), and the base already routes this
 * service with GRPCRoutes for retries and timeouts; Linkerd uses one route kind per parent, so the
 * split lives on those same routes and keeps their retry and timeout settings.
 */
import type { MeshService } from '@paymesh/platform/mesh/topology';
import type { DeploymentPlan } from './deployment-plan.js';
import { ports } from './deployment-plan.js';
import { appLabels, type KubeObject, meta, NAME_LABEL, TRACK_LABEL } from './manifest.js';
import { backendRefs, outboundRoutes } from './outbound-routes.js';
import type { ProtoServices } from './proto-methods.js';
import { serviceDeployment } from './service-workloads.js';

export const CANARY_SERVICE = 'currency';
/** Percent of calls the canary takes. */
export const CANARY_WEIGHT = 10;
const TRACKS = ['stable', 'canary'] as const;

export const trackService = (service: string, track: string) => `${service}-${track}`;

/** The canary's workload and per-track Services. */
export function canaryObjects(plan: DeploymentPlan, service: MeshService): KubeObject[] {
  return [
    serviceDeployment(plan, service, 'canary', 'canary'),
    ...TRACKS.map(
      (track): KubeObject => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(trackService(service.name, track), plan.namespace, {
          ...appLabels(service.name, 'service'),
          [TRACK_LABEL]: track,
        }),
        spec: {
          selector: { [NAME_LABEL]: service.name, [TRACK_LABEL]: track },
          ports: [
            { name: ports.rpc, port: service.port, targetPort: ports.rpc, appProtocol: 'kubernetes.io/h2c' },
          ],
        },
      }),
    ),
  ];
}

/** The base's outbound routes of the service with every rule split by weight between the tracks. */
export function canarySplit(plan: DeploymentPlan, service: MeshService, protos: ProtoServices): KubeObject[] {
  const split = backendRefs([
    { name: trackService(service.name, 'stable'), port: service.port, weight: 100 - CANARY_WEIGHT },
    { name: trackService(service.name, 'canary'), port: service.port, weight: CANARY_WEIGHT },
  ]);
  return outboundRoutes(plan, service, protos).map((route) => {
    const spec = route.spec as { rules: Record<string, unknown>[] };
    return {
      ...route,
      spec: { ...spec, rules: spec.rules.map((rule) => ({ ...rule, backendRefs: split })) },
    };
  });
}
