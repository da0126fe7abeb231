/**
 * `npm run mesh:generate`: writes mesh/k8s from mesh/topology.yaml (see mesh/README.md). The
 * generator owns the folder: a file it no longer makes (a service removed) is deleted, so the
 * kustomization always lists exactly what is there.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTopology } from '@paymesh/platform/mesh/topology';
import { generateManifests } from './lib/generate-manifests.js';

const K8S = fileURLToPath(new URL('k8s/', import.meta.url));

const files = await generateManifests(await loadTopology());
for (const [path, text] of files) {
  await mkdir(dirname(join(K8S, path)), { recursive: true });
  await writeFile(join(K8S, path), text);
}
const stale = (await readdir(K8S, { recursive: true })).filter((p) => p.endsWith('.yaml') && !files.has(p));
for (const path of stale) await rm(join(K8S, path));
console.log(
  `mesh/k8s: ${files.size} files written${stale.length ? `, ${stale.length} removed (${stale.join(', ')})` : ''}`,
);
