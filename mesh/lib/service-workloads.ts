/**
 * One paymesh service as Kubernetes runs it: its ServiceAccount (the identity Linkerd gives it),
 * its Deployment (the one image, its own entry point, its variables, probes on the admin port,
 * resources, hardening, a shutdown budget that fits the kit's), its Service, a disruption budget,
 * and for the edge a LoadBalancer Service.
 */

import { serviceEnv } from '@paymesh/platform/config/config';
import type { MeshService } from '@paymesh/platform/mesh/topology';
import { SHUTDOWN_WATCHDOG_MS } from '@paymesh/platform/server/run-service';
import { upstreamVariable } from '@paymesh/platform/service/define-service';
import {
  type DeploymentPlan,
  IMAGE,
  IMAGE_TAG,
  isEdge,
  names,
  ports,
  serviceWorkdir,
  usesDataPlane,
} from './deployment-plan.js';
import { appLabels, type KubeObject, meta, NAME_LABEL, TRACK_LABEL } from './manifest.js';
import { NATS_CLIENT_PORT, NATS_NODES, NATS_SERVICE } from './nats.js';
import { COLLECTOR, OTLP_HTTP_PORT } from './otel-collector.js';
import { containerSecurityContext, podSecurityContext, TMP_MOUNT, TMP_VOLUME } from './pod-security.js';

/** The kit's grace for calls in flight at shutdown (its default). */
export const SHUTDOWN_GRACE_MS: number = serviceEnv.SHUTDOWN_GRACE_MS.parse(undefined);
/** NOT_SERVING this long before the port closes: endpoints and proxies stop sending meanwhile. */
export const SHUTDOWN_DRAIN_DELAY_MS = 5_000;

/** Longer than the kit's own worst case, so the kubelet never SIGKILLs a service still draining. */
export function terminationGracePeriodSeconds(drainMs: number, graceMs: number): number {
  return Math.ceil((drainMs + graceMs + SHUTDOWN_WATCHDOG_MS) / 1000) + 5;
}

const REPLICAS = 2;

export function serviceObjects(plan: DeploymentPlan, service: MeshService): KubeObject[] {
  const { namespace } = plan;
  const labels = appLabels(service.name, isEdge(service) ? 'edge' : 'service');
  const selector = { [NAME_LABEL]: service.name };
  const rpcPortName = isEdge(service) ? ports.edge : ports.rpc;
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(service.name, namespace, labels),
      // The Linkerd proxy mounts its own token for identity; the service never talks to the API server.
      automountServiceAccountToken: false,
    },
    serviceDeployment(plan, service, 'stable'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(service.name, namespace, labels),
      spec: {
        selector,
        ports: [
          {
            name: rpcPortName,
            port: service.port,
            targetPort: rpcPortName,
            appProtocol: isEdge(service) ? 'http' : 'kubernetes.io/h2c',
          },
          { name: ports.admin, port: service.adminPort, targetPort: ports.admin, appProtocol: 'http' },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(service.name, namespace, labels),
      spec: { minAvailable: 1, selector: { matchLabels: selector } },
    },
    ...(isEdge(service) ? [publicService(plan, service)] : []),
  ];
}

/** The edge's door from outside: a LoadBalancer (or the target of an Ingress) on port 80. */
function publicService(plan: DeploymentPlan, service: MeshService): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(`${service.name}-public`, plan.namespace, appLabels(service.name, 'edge')),
    spec: {
      type: 'LoadBalancer',
      // Keeps the client's address on the way to the node (for per-address rate limits behind an ingress).
      externalTrafficPolicy: 'Local',
      selector: { [NAME_LABEL]: service.name },
      ports: [{ name: ports.edge, port: 80, targetPort: ports.edge, appProtocol: 'http' }],
    },
  };
}

/** A service's Deployment on one track (`stable`; the canary overlay adds `canary`). */
export function serviceDeployment(
  plan: DeploymentPlan,
  service: MeshService,
  track: string,
  tag = IMAGE_TAG,
): KubeObject {
  const podLabels = {
    ...appLabels(service.name, isEdge(service) ? 'edge' : 'service'),
    [TRACK_LABEL]: track,
  };
  const selector = { [NAME_LABEL]: service.name, [TRACK_LABEL]: track };
  const rpcPortName = isEdge(service) ? ports.edge : ports.rpc;
  const name = track === 'stable' ? service.name : `${service.name}-${track}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, plan.namespace, podLabels),
    spec: {
      replicas: track === 'stable' ? REPLICAS : 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: podLabels },
        spec: {
          serviceAccountName: service.name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: terminationGracePeriodSeconds(
            SHUTDOWN_DRAIN_DELAY_MS,
            SHUTDOWN_GRACE_MS,
          ),
          securityContext: podSecurityContext(),
          containers: [
            {
              name: service.name,
              image: `${IMAGE}:${tag}`,
              imagePullPolicy: 'IfNotPresent',
              workingDir: `/app/${serviceWorkdir(service.name)}`,
              command: ['node', '--import', 'tsx', 'src/main.ts'],
              ports: [
                { name: rpcPortName, containerPort: service.port, protocol: 'TCP' },
                { name: ports.admin, containerPort: service.adminPort, protocol: 'TCP' },
              ],
              env: serviceVariables(plan, service),
              startupProbe: adminProbe('/livez', { periodSeconds: 2, failureThreshold: 60 }),
              readinessProbe: adminProbe('/readyz', { periodSeconds: 5, failureThreshold: 2 }),
              livenessProbe: adminProbe('/livez', { periodSeconds: 10, failureThreshold: 3 }),
              resources: {
                requests: { cpu: '100m', memory: '192Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              securityContext: containerSecurityContext(),
              volumeMounts: [TMP_MOUNT],
            },
          ],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

/**
 * Probes on the admin port: `/readyz` runs the kit's readiness (phase, database, bus), `/livez`
 * only says the process answers, so a slow dependency takes a pod out of rotation without
 * restarting it. The RPC port stays mTLS-only: the kubelet is not a mesh workload.
 */
function adminProbe(path: string, timing: { periodSeconds: number; failureThreshold: number }) {
  return { httpGet: { path, port: ports.admin }, timeoutSeconds: 3, ...timing };
}

function serviceVariables(plan: DeploymentPlan, service: MeshService): Record<string, unknown>[] {
  const { namespace } = plan;
  const value = (name: string, v: string | number) => ({ name, value: String(v) });
  const upstreams = [...service.calls].sort().map((callee) => {
    const port = plan.services.find((s) => s.name === callee)?.port;
    // Plain HTTP/2 to the Service: the Linkerd proxies on both ends carry it over mTLS.
    return value(upstreamVariable(callee), `http://${names.host(callee, namespace)}:${port}`);
  });
  const data = usesDataPlane(service)
    ? [
        {
          name: 'DATABASE_URL',
          valueFrom: {
            secretKeyRef: { name: names.databaseSecret(names.databaseCluster(service.name)), key: 'uri' },
          },
        },
        value('NATS_URL', `nats://${names.host(NATS_SERVICE, namespace)}:${NATS_CLIENT_PORT}`),
        value('EVENT_NAMESPACE', plan.topology.namespace),
        value('EVENT_STREAM_REPLICAS', NATS_NODES),
      ]
    : [];
  return [
    value('SERVICE_NAME', service.name),
    value('PORT', service.port),
    value('ADMIN_PORT', service.adminPort),
    ...data,
    ...upstreams,
    value('OTEL_EXPORTER_OTLP_ENDPOINT', `http://${names.host(COLLECTOR, namespace)}:${OTLP_HTTP_PORT}`),
    value('LOG_LEVEL', 'info'),
    value('SHUTDOWN_GRACE_MS', SHUTDOWN_GRACE_MS),
    value('SHUTDOWN_DRAIN_DELAY_MS', SHUTDOWN_DRAIN_DELAY_MS),
    // The heap stays under the container's memory limit, so V8 collects before the kernel kills.
    value('NODE_OPTIONS', '--max-old-space-size=384'),
  ];
}
