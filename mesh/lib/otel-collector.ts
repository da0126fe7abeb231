/**
 * The OpenTelemetry collector: OTLP/HTTP in (every service's spans), a scrape of every service's
 * admin `/metrics` and every Postgres instance's exporter (found by the pods' port names, hence
 * its read-only Role), batched and
 * written out by the `debug` exporter (the former `logging` one) until a backend is added as an
 * `otlp` exporter. Its Linkerd policy takes OTLP only from paymesh's services and probes only
 * from the kubelet.
 */
import { stringify } from 'yaml';
import type { DeploymentPlan } from './deployment-plan.js';
import { ports } from './deployment-plan.js';
import { authorization, meshAuthentication, probeAccess, server, workloadSelector } from './linkerd.js';
import { appLabels, type KubeObject, meta, NAME_LABEL } from './manifest.js';
import { containerSecurityContext, podSecurityContext } from './pod-security.js';
import { CNPG_METRICS_PORT_NAME } from './postgres.js';

export const COLLECTOR = 'otel-collector';
export const OTLP_HTTP_PORT = 4318;
const HEALTH_PORT = 13133;
const IMAGE = 'otel/opentelemetry-collector-contrib:0.120.0';

export function collectorObjects(plan: DeploymentPlan): KubeObject[] {
  const { namespace } = plan;
  const labels = appLabels(COLLECTOR, 'telemetry');
  const selector = { [NAME_LABEL]: COLLECTOR };
  const otlp = `${COLLECTOR}-otlp`;
  const health = `${COLLECTOR}-health`;
  return [
    // It lists pods to find scrape targets, so it keeps an API token.
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(COLLECTOR, namespace, labels) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(COLLECTOR, namespace, labels),
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(COLLECTOR, namespace, labels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: COLLECTOR },
      subjects: [{ kind: 'ServiceAccount', name: COLLECTOR, namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${COLLECTOR}-config`, namespace, labels),
      data: { 'config.yaml': stringify(collectorConfig(namespace), { lineWidth: 0 }) },
    },
    collectorDeployment(namespace, labels, selector),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(COLLECTOR, namespace, labels),
      spec: {
        selector,
        ports: [{ name: 'otlp-http', port: OTLP_HTTP_PORT, targetPort: 'otlp-http', appProtocol: 'http' }],
      },
    },
    server(otlp, namespace, {
      selector: workloadSelector(COLLECTOR),
      port: 'otlp-http',
      proxyProtocol: 'HTTP/1',
    }),
    meshAuthentication(
      otlp,
      namespace,
      plan.services.map((s) => s.name),
    ),
    authorization(
      otlp,
      namespace,
      { kind: 'Server', name: otlp },
      { kind: 'MeshTLSAuthentication', name: otlp },
    ),
    server(health, namespace, {
      selector: workloadSelector(COLLECTOR),
      port: 'health',
      proxyProtocol: 'HTTP/1',
    }),
    ...probeAccess(`${health}-probes`, namespace, health, ['/']),
  ];
}

function collectorDeployment(
  namespace: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
): KubeObject {
  const probe = { httpGet: { path: '/', port: 'health' }, periodSeconds: 10, timeoutSeconds: 3 };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(COLLECTOR, namespace, labels),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: COLLECTOR,
          securityContext: podSecurityContext(),
          containers: [
            {
              name: COLLECTOR,
              image: IMAGE,
              args: ['--config=/etc/otelcol/config.yaml'],
              ports: [
                { name: 'otlp-http', containerPort: OTLP_HTTP_PORT, protocol: 'TCP' },
                { name: 'health', containerPort: HEALTH_PORT, protocol: 'TCP' },
              ],
              readinessProbe: { ...probe, failureThreshold: 2 },
              livenessProbe: { ...probe, failureThreshold: 3 },
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              securityContext: containerSecurityContext(),
              volumeMounts: [{ name: 'config', mountPath: '/etc/otelcol' }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: `${COLLECTOR}-config` } }],
        },
      },
    },
  };
}

function collectorConfig(namespace: string) {
  const processors = ['memory_limiter', 'batch'];
  return {
    extensions: { health_check: { endpoint: `0.0.0.0:${HEALTH_PORT}` } },
    receivers: {
      otlp: { protocols: { http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } },
      prometheus: {
        config: {
          scrape_configs: [
            {
              job_name: 'paymesh-admin',
              scrape_interval: '30s',
              kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
              relabel_configs: [
                {
                  source_labels: ['__meta_kubernetes_pod_container_port_name'],
                  action: 'keep',
                  regex: `${ports.admin}|${CNPG_METRICS_PORT_NAME}`,
                },
                {
                  source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'],
                  target_label: 'service',
                },
                { source_labels: ['__meta_kubernetes_pod_label_cnpg_io_cluster'], target_label: 'database' },
                { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
              ],
            },
          ],
        },
      },
    },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
      batch: {},
    },
    exporters: { debug: { verbosity: 'basic' } },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors, exporters: ['debug'] },
        metrics: { receivers: ['otlp', 'prometheus'], processors, exporters: ['debug'] },
      },
    },
  };
}
