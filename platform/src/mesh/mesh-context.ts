/**
 * What a service knows about the mesh when it runs with mTLS: its credentials, the topology, and
 * its own entry in it. The bootstrap loads it from the MESH_TLS_* variables (nothing when they are
 * absent) and checks, before anything listens, that the certificate is the identity the topology
 * gives this service; the bootstrap then checks the service's code against its entry — so a
 * service whose code and topology disagree does not start.
 */
import { ConfigError, type ServiceConfig } from '../config/config.js';
import type { Logger } from '../telemetry/logger.js';
import { loadMeshCredentials, type MeshCredentials } from './mesh-credentials.js';
import { manifestDisagreements, type ServiceManifest } from './service-manifest.js';
import {
  DEFAULT_TOPOLOGY_PATH,
  loadTopology,
  type MeshService,
  meshService,
  type Topology,
} from './topology.js';

export interface MeshContext {
  readonly credentials: MeshCredentials;
  readonly topology: Topology;
  readonly self: MeshService;
  /**
   * `http2.connect` options for calling `upstream` at `baseUrl` over mTLS (its identity checked).
   * The URL must be https, so a typo cannot fall back to plaintext.
   */
  clientOptions(upstream: string, baseUrl: string): ReturnType<MeshCredentials['clientOptions']>;
  /** Refuses code whose calls or streams differ from this service's topology entry. */
  assertManifest(manifest: ServiceManifest): void;
}

type MeshConfig = Pick<
  ServiceConfig,
  'SERVICE_NAME' | 'MESH_TLS_CA_FILE' | 'MESH_TLS_CERT_FILE' | 'MESH_TLS_KEY_FILE' | 'MESH_TOPOLOGY_FILE'
>;

export async function loadMeshContext(config: MeshConfig, logger?: Logger): Promise<MeshContext | undefined> {
  const files = {
    MESH_TLS_CA_FILE: config.MESH_TLS_CA_FILE,
    MESH_TLS_CERT_FILE: config.MESH_TLS_CERT_FILE,
    MESH_TLS_KEY_FILE: config.MESH_TLS_KEY_FILE,
  };
  const given = Object.entries(files).filter(([, v]) => v !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < 3) {
    throw new ConfigError(
      Object.entries(files)
        .filter(([, v]) => v === undefined)
        .map(([name]) => `${name}: is required with ${given.map(([n]) => n).join(' and ')}`),
    );
  }
  const topology = await loadTopology(config.MESH_TOPOLOGY_FILE ?? DEFAULT_TOPOLOGY_PATH);
  const self = meshService(topology, config.SERVICE_NAME);
  const credentials = await loadMeshCredentials(
    {
      caFile: String(files.MESH_TLS_CA_FILE),
      certFile: String(files.MESH_TLS_CERT_FILE),
      keyFile: String(files.MESH_TLS_KEY_FILE),
    },
    { logger },
  );
  if (credentials.identity !== self.identity) {
    credentials.close();
    throw new ConfigError([
      `MESH_TLS_CERT_FILE: the certificate is ${credentials.identity}, but ${self.name} is ${self.identity}`,
    ]);
  }
  return {
    credentials,
    topology,
    self,
    clientOptions(upstream, baseUrl) {
      if (new URL(baseUrl).protocol !== 'https:') {
        throw new ConfigError([
          `the URL of ${upstream} must be https when the service runs with MESH_TLS_* (got ${baseUrl})`,
        ]);
      }
      return credentials.clientOptions(meshService(topology, upstream).identity);
    },
    assertManifest(manifest) {
      const problems = manifestDisagreements(self, manifest);
      if (problems.length)
        throw new Error(`the code disagrees with mesh/topology.yaml:\n  ${problems.join('\n  ')}`);
    },
  };
}
