/**
 * How callers' proxies send to a service (Linkerd's outbound policy, GRPCRoutes whose parent is the
 * service's Service): one route of the unary methods the contract declares NO_SIDE_EFFECTS or
 * IDEMPOTENT, retried on UNAVAILABLE (the only code the kit retries too) under a request timeout
 * equal to the kit's call budget; and one catch-all route, neither retried nor timed out, for every
 * other method (writes that are not idempotent, streams such as WatchTransfer).
 *
 * Both name their backend explicitly, so the canary overlay can split them by weight.
 */
import type { MeshService } from '@paymesh/platform/mesh/topology';
import { defaultResiliencePolicy } from '@paymesh/platform/resilience/policy';
import type { DeploymentPlan } from './deployment-plan.js';
import { type KubeObject, meta } from './manifest.js';
import { isRetryableUnary, type ProtoServices, protoService } from './proto-methods.js';

export const GRPC_ROUTE_API = 'gateway.networking.k8s.io/v1';

/** Mesh retries multiply with the kit's (maxRetries): one extra attempt, on another endpoint, is enough. */
export const MESH_RETRY_LIMIT = 1;

export interface Backend {
  readonly name: string;
  readonly port: number;
  readonly weight?: number;
}

/** The route names of a service's outbound policy. */
export const outboundRouteNames = {
  retryable: (service: string) => `${service}-retryable`,
  default: (service: string) => `${service}-default`,
};

/** The outbound routes of a service somebody calls; none for a service nobody calls. */
export function outboundRoutes(
  plan: DeploymentPlan,
  service: MeshService,
  protos: ProtoServices,
): KubeObject[] {
  const called = plan.services.some((s) => s.calls.includes(service.name));
  if (!called) return [];
  const backends = [{ name: service.name, port: service.port }];
  const retryable = service.serves.flatMap((typeName) =>
    protoService(protos, typeName)
      .methods.filter(isRetryableUnary)
      .map((method) => ({ service: typeName, method: method.name })),
  );
  const routes: KubeObject[] = [];
  if (retryable.length) {
    routes.push(
      grpcRoute(plan, service, outboundRouteNames.retryable(service.name), {
        annotations: {
          'retry.linkerd.io/grpc': 'unavailable',
          'retry.linkerd.io/limit': String(MESH_RETRY_LIMIT),
          'timeout.linkerd.io/request': `${defaultResiliencePolicy.timeoutMs}ms`,
        },
        rules: retryable
          .sort((a, b) => `${a.service}/${a.method}`.localeCompare(`${b.service}/${b.method}`))
          .map((m) => ({
            matches: [{ method: { type: 'Exact', ...m } }],
            backendRefs: backendRefs(backends),
          })),
      }),
    );
  }
  routes.push(
    grpcRoute(plan, service, outboundRouteNames.default(service.name), {
      annotations: {},
      rules: [{ backendRefs: backendRefs(backends) }],
    }),
  );
  return routes;
}

export function backendRefs(backends: readonly Backend[]): Record<string, unknown>[] {
  return backends.map((b) => ({
    group: '',
    kind: 'Service',
    name: b.name,
    port: b.port,
    ...(b.weight === undefined ? {} : { weight: b.weight }),
  }));
}

function grpcRoute(
  plan: DeploymentPlan,
  service: MeshService,
  name: string,
  spec: { annotations: Record<string, string>; rules: Record<string, unknown>[] },
): KubeObject {
  return {
    apiVersion: GRPC_ROUTE_API,
    kind: 'GRPCRoute',
    metadata: meta(name, plan.namespace, {}, spec.annotations),
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: service.name, port: service.port }],
      rules: spec.rules,
    },
  };
}
