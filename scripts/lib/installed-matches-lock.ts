/**
 * Exit 0 when node_modules holds exactly what package-lock.json pins, judged by npm's own record of
 * the installed tree (node_modules/.package-lock.json); 1 otherwise. Lets ensure-deps adopt a tree
 * installed before it kept its marker, instead of reinstalling under whoever is using it.
 * Runs on Node's own type stripping, before any dependency is trusted: node:* imports only.
 */

import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

type Packages = Record<string, { optional?: boolean } & Record<string, unknown>>;

function packagesOf(path: string): Packages {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const packages = (parsed as { packages?: unknown }).packages;
  if (typeof packages !== 'object' || packages === null) throw new Error(`${path} has no packages`);
  return packages as Packages;
}

try {
  const pinned = packagesOf('package-lock.json');
  const installed = packagesOf('node_modules/.package-lock.json');
  // The root entry is not recorded; optional entries for other platforms are never installed.
  const missing = Object.keys(pinned).filter(
    (key) => key !== '' && !installed[key] && !pinned[key]?.optional,
  );
  const differing = Object.keys(installed).filter((key) => !isDeepStrictEqual(installed[key], pinned[key]));
  process.exitCode = missing.length || differing.length ? 1 : 0;
} catch {
  process.exitCode = 1;
}
