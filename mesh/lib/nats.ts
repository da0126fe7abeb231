/**
 * NATS with JetStream as a three-node cluster: a StatefulSet whose pods find each other through a
 * headless Service (cluster routes on 6222), a volume per node for the stream files, a client
 * Service on 4222, a disruption budget that keeps a JetStream quorum, and its Linkerd policy:
 * clients only from the services that use the bus, routes only between the nodes, probes only
 * from the kubelet. NATS speaks first on connect, so its ports are opaque to the proxy.
 */
import type { DeploymentPlan } from './deployment-plan.js';
import { usesDataPlane } from './deployment-plan.js';
import { opaquePortAccess, probeAccess, server, workloadSelector } from './linkerd.js';
import { appLabels, type KubeObject, meta, NAME_LABEL } from './manifest.js';
import { containerSecurityContext, podSecurityContext } from './pod-security.js';

export const NATS_SERVICE = 'nats';
export const NATS_CLIENT_PORT = 4222;
const CLUSTER_PORT = 6222;
const MONITOR_PORT = 8222;
/** Nodes of the JetStream cluster; every stream keeps a copy on each. */
export const NATS_NODES = 3;
const IMAGE = 'nats:2.10-alpine';
const HEADLESS = `${NATS_SERVICE}-headless`;
const OPAQUE_PORTS = { 'config.linkerd.io/opaque-ports': `${NATS_CLIENT_PORT},${CLUSTER_PORT}` };

export function natsObjects(plan: DeploymentPlan): KubeObject[] {
  const { namespace } = plan;
  const labels = appLabels(NATS_SERVICE, 'event-bus');
  const selector = { [NAME_LABEL]: NATS_SERVICE };
  const clients = plan.services.filter(usesDataPlane).map((s) => s.name);
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(NATS_SERVICE, namespace, labels),
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${NATS_SERVICE}-config`, namespace, labels),
      data: { 'nats.conf': natsConfig(namespace) },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(NATS_SERVICE, namespace, labels, OPAQUE_PORTS),
      spec: { selector, ports: [{ name: 'client', port: NATS_CLIENT_PORT, targetPort: 'client' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(HEADLESS, namespace, labels, OPAQUE_PORTS),
      spec: {
        clusterIP: 'None',
        // Nodes must resolve each other before they are ready: the cluster forms from these names.
        publishNotReadyAddresses: true,
        selector,
        ports: [
          { name: 'client', port: NATS_CLIENT_PORT, targetPort: 'client' },
          { name: 'cluster', port: CLUSTER_PORT, targetPort: 'cluster' },
          { name: 'monitor', port: MONITOR_PORT, targetPort: 'monitor' },
        ],
      },
    },
    natsStatefulSet(namespace, labels, selector),
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(NATS_SERVICE, namespace, labels),
      // Two of three nodes keep the JetStream meta group and R3 streams available.
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    },
    ...opaquePortAccess(
      `${NATS_SERVICE}-client`,
      namespace,
      workloadSelector(NATS_SERVICE),
      'client',
      clients,
    ),
    ...opaquePortAccess(`${NATS_SERVICE}-cluster`, namespace, workloadSelector(NATS_SERVICE), 'cluster', [
      NATS_SERVICE,
    ]),
    server(`${NATS_SERVICE}-monitor`, namespace, {
      selector: workloadSelector(NATS_SERVICE),
      port: 'monitor',
      proxyProtocol: 'HTTP/1',
    }),
    ...probeAccess(`${NATS_SERVICE}-monitor-probes`, namespace, `${NATS_SERVICE}-monitor`, ['/healthz']),
  ];
}

function natsStatefulSet(
  namespace: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(NATS_SERVICE, namespace, labels),
    spec: {
      replicas: NATS_NODES,
      serviceName: HEADLESS,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, annotations: OPAQUE_PORTS },
        spec: {
          serviceAccountName: NATS_SERVICE,
          automountServiceAccountToken: false,
          // Lame-duck mode hands clients to the other nodes before this one stops.
          terminationGracePeriodSeconds: 60,
          securityContext: podSecurityContext(),
          containers: [
            {
              name: NATS_SERVICE,
              image: IMAGE,
              args: ['--config', '/etc/nats/nats.conf'],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              ports: [
                { name: 'client', containerPort: NATS_CLIENT_PORT, protocol: 'TCP' },
                { name: 'cluster', containerPort: CLUSTER_PORT, protocol: 'TCP' },
                { name: 'monitor', containerPort: MONITOR_PORT, protocol: 'TCP' },
              ],
              lifecycle: {
                preStop: { exec: { command: ['nats-server', '-sl=ldm=/var/run/nats/nats.pid'] } },
              },
              startupProbe: monitorProbe('/healthz', 90),
              livenessProbe: monitorProbe('/healthz?js-enabled-only=true', 3),
              readinessProbe: monitorProbe('/healthz?js-server-only=true', 3),
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/nats' },
                { name: 'data', mountPath: '/data' },
                { name: 'run', mountPath: '/var/run/nats' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: `${NATS_SERVICE}-config` } },
            { name: 'run', emptyDir: { sizeLimit: '1Mi' } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
        },
      ],
    },
  };
}

function monitorProbe(path: string, failureThreshold: number) {
  return { httpGet: { path, port: 'monitor' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold };
}

/** The server configuration; `$POD_NAME` is expanded by nats-server from the environment. */
function natsConfig(namespace: string): string {
  const routes = Array.from(
    { length: NATS_NODES },
    (_, i) => `    nats://${NATS_SERVICE}-${i}.${HEADLESS}.${namespace}.svc.cluster.local:${CLUSTER_PORT}`,
  );
  return [
    'server_name: $POD_NAME',
    `port: ${NATS_CLIENT_PORT}`,
    `http_port: ${MONITOR_PORT}`,
    'pid_file: /var/run/nats/nats.pid',
    'lame_duck_duration: 30s',
    'lame_duck_grace_period: 10s',
    'jetstream {',
    '  store_dir: /data/jetstream',
    '  max_memory_store: 256MB',
    '  max_file_store: 8GB',
    '}',
    'cluster {',
    `  name: ${namespace}`,
    `  port: ${CLUSTER_PORT}`,
    '  routes: [',
    ...routes,
    '  ]',
    '}',
    '',
  ].join('\n');
}
