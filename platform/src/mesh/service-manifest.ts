/**
 * What a service's code declares about its place in the mesh — whom it calls, which streams it
 * reads and writes — and where that disagrees with its entry in mesh/topology.yaml. The bootstrap
 * refuses to start on a disagreement when it runs with mTLS; the topology test checks every service.
 */
import type { MeshService } from './topology.js';

export interface ServiceManifest {
  /** The services it calls. */
  readonly upstreams: readonly string[];
  /** The contexts whose streams it consumes. */
  readonly consumes: readonly string[];
  /** The context whose stream it writes. */
  readonly publishes?: string;
}

/** One line per difference between the code and the topology entry; none when they agree. */
export function manifestDisagreements(service: MeshService, manifest: ServiceManifest): string[] {
  const problems: string[] = [];
  const sorted = (list: readonly string[]) => [...list].sort().join(', ');
  if (sorted(service.calls) !== sorted(manifest.upstreams)) {
    problems.push(
      `${service.name}: the topology says it calls [${sorted(service.calls)}], its code calls [${sorted(manifest.upstreams)}]`,
    );
  }
  if (sorted(service.consumes) !== sorted(manifest.consumes)) {
    problems.push(
      `${service.name}: the topology says it consumes [${sorted(service.consumes)}], its code consumes [${sorted(manifest.consumes)}]`,
    );
  }
  if (manifest.publishes && manifest.publishes !== service.context) {
    problems.push(
      `${service.name}: its code publishes to ${manifest.publishes}, the topology's context is ${service.context}`,
    );
  }
  return problems;
}
