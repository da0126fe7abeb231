/**
 * One Postgres cluster per service database (CloudNativePG): the database and its owner role
 * named as in the topology (paymesh_<service>, as `npm run infra` makes them locally), a primary
 * and a hot standby, and the Secret CloudNativePG generates for the owner (`<cluster>-app`, key
 * `uri`), which the service's Deployment reads as DATABASE_URL. Its Linkerd policy lets only the
 * owning service (and the cluster's own instances, for replication) reach port 5432, and only the
 * metrics scrapers its exporter.
 */
import type { MeshService } from '@paymesh/platform/mesh/topology';
import { type DeploymentPlan, names } from './deployment-plan.js';
import { metricsAccess, opaquePortAccess, server } from './linkerd.js';
import { appLabels, type KubeObject, meta } from './manifest.js';

export const CNPG_API = 'postgresql.cnpg.io/v1';
/** CloudNativePG labels every instance pod with its cluster's name. */
export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';
export const POSTGRES_PORT = 5432;
/** The instances' Prometheus exporter, scraped by the collector like the services' admin ports. */
const METRICS_PORT = 9187;
/** The name CloudNativePG gives that port on its instance pods. */
export const CNPG_METRICS_PORT_NAME = 'metrics';
/** The instance manager's port, which the operator calls over its own TLS from outside the mesh. */
const STATUS_PORT = 8000;
const POSTGRES_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:17';

export function databaseObjects(plan: DeploymentPlan, service: MeshService): KubeObject[] {
  const { database } = service;
  if (!database) return [];
  const cluster = names.databaseCluster(service.name);
  const selector = { [CNPG_CLUSTER_LABEL]: cluster };
  return [
    {
      apiVersion: CNPG_API,
      kind: 'Cluster',
      metadata: meta(cluster, plan.namespace, appLabels(cluster, 'database')),
      spec: {
        instances: 2,
        imageName: POSTGRES_IMAGE,
        primaryUpdateStrategy: 'unsupervised',
        storage: { size: '5Gi' },
        bootstrap: { initdb: { database, owner: database } },
        postgresql: { parameters: { max_connections: '100' } },
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
        inheritedMetadata: {
          annotations: {
            'config.linkerd.io/skip-inbound-ports': String(STATUS_PORT),
            'config.linkerd.io/opaque-ports': String(POSTGRES_PORT),
          },
        },
      },
    },
    // CloudNativePG names each cluster's ServiceAccount after the cluster: its instances replicate with it.
    ...opaquePortAccess(`${cluster}-postgres`, plan.namespace, selector, POSTGRES_PORT, [
      cluster,
      service.name,
    ]),
    server(`${cluster}-metrics`, plan.namespace, { selector, port: METRICS_PORT, proxyProtocol: 'HTTP/1' }),
    ...metricsAccess(`${cluster}-metrics`, plan.namespace, `${cluster}-metrics`),
  ];
}
