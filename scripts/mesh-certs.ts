/**
 * `npm run mesh:certs [-- --rotate] [--dir <dir>]`: the local mesh's credentials. Makes sure the
 * development CA and one certificate per workload of mesh/topology.yaml are in `.paymesh/mesh-tls`
 * (or `--dir`), reissuing those that expire soon; `--rotate` reissues every workload certificate
 * now. Running services pick the new files up without a restart. `npm start` runs the same step.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeMeshCredentials } from '@paymesh/platform/mesh/certificates';
import { loadTopology, REPO_ROOT, workloadIdentities } from '@paymesh/platform/mesh/topology';

export const DEFAULT_MESH_TLS_DIR = join(REPO_ROOT, '.paymesh', 'mesh-tls');

export async function ensureMeshCredentials(options: { dir?: string; rotate?: boolean } = {}) {
  const topology = await loadTopology(process.env.PAYMESH_TOPOLOGY || undefined);
  return writeMeshCredentials(options.dir ?? DEFAULT_MESH_TLS_DIR, {
    identities: workloadIdentities(topology),
    rotate: options.rotate,
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { rotate: { type: 'boolean' }, dir: { type: 'string' } } });
  const written = await ensureMeshCredentials(values);
  console.log(
    written.issued.length
      ? `mesh credentials in ${written.dir}: issued ${written.issued.join(', ')}`
      : `mesh credentials in ${written.dir}: all current`,
  );
}
