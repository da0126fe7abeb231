/**
 * The manifests as the tests read them: every YAML document of a set of files (the committed
 * mesh/k8s, or a generator run in memory), indexed by kind and name, with typed views of the parts
 * the tests look into, the pods CloudNativePG will make for each Cluster (modelled, since no
 * operator runs here), and kustomize's build of an overlay (resources plus merge patches).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const K8S_DIR = fileURLToPath(new URL('../k8s/', import.meta.url));

export type Labels = Readonly<Record<string, string>>;

export interface Doc {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Labels;
    readonly annotations?: Labels;
  };
  readonly spec?: Record<string, unknown>;
  readonly data?: Labels;
  readonly [field: string]: unknown;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports?: readonly { name: string; containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  readonly volumeMounts?: readonly { name: string; mountPath: string }[];
  readonly resources?: { requests?: Labels; limits?: Labels };
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface Probe {
  readonly httpGet?: { path: string; port: string | number };
  readonly grpc?: { port: number };
}

export interface PodSpec {
  readonly serviceAccountName?: string;
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: Record<string, unknown>;
  readonly containers: readonly Container[];
  readonly volumes?: readonly {
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
  }[];
}

/** A set of pods the cluster will run: a Deployment's, a StatefulSet's, or a CloudNativePG Cluster's. */
export interface Workload {
  readonly doc: Doc;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly pod: PodSpec;
}

/** What CloudNativePG makes for a Cluster: instance pods with these labels and ports, a ServiceAccount and Secrets. */
export const cnpg = {
  podLabel: 'cnpg.io/cluster',
  /** The instance container's ports. */
  ports: [
    { name: 'postgresql', containerPort: 5432 },
    { name: 'metrics', containerPort: 9187 },
    { name: 'status', containerPort: 8000 },
  ],
  /** The owner's credentials Secret of a cluster bootstrapped with `initdb.owner`, and its keys. */
  appSecret: (cluster: string) => `${cluster}-app`,
  appSecretKeys: ['username', 'password', 'host', 'port', 'dbname', 'uri', 'jdbc-uri', 'pgpass'],
};

export class Manifests {
  readonly docs: readonly Doc[];

  constructor(docs: readonly Doc[]) {
    this.docs = docs;
  }

  ofKind(kind: string): Doc[] {
    return this.docs.filter((d) => d.kind === kind);
  }

  find(kind: string, name: string): Doc | undefined {
    return this.docs.find((d) => d.kind === kind && d.metadata.name === name);
  }

  /** Deployments, StatefulSets and the instance pods of CloudNativePG Clusters. */
  workloads(): Workload[] {
    const templated = this.docs
      .filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet')
      .map((doc) => {
        const template = workloadSpec(doc).template;
        return {
          doc,
          labels: template.metadata.labels,
          annotations: template.metadata.annotations ?? {},
          pod: template.spec,
        };
      });
    const clusters = this.ofKind('Cluster').map((doc) => ({
      doc,
      labels: { [cnpg.podLabel]: doc.metadata.name },
      annotations: ((doc.spec?.inheritedMetadata as { annotations?: Labels } | undefined)?.annotations ??
        {}) as Labels,
      pod: {
        serviceAccountName: doc.metadata.name,
        containers: [{ name: 'postgres', image: String(doc.spec?.imageName), ports: cnpg.ports }],
      },
    }));
    return [...templated, ...clusters];
  }

  /** The ServiceAccounts that will exist: those declared, and one per CloudNativePG Cluster. */
  serviceAccounts(): Set<string> {
    return new Set([
      ...this.ofKind('ServiceAccount').map((d) => d.metadata.name),
      ...this.ofKind('Cluster').map((d) => d.metadata.name),
    ]);
  }

  /** The Secrets that will exist, with their keys: here, only the ones CloudNativePG generates. */
  secrets(): Map<string, readonly string[]> {
    return new Map(this.ofKind('Cluster').map((d) => [cnpg.appSecret(d.metadata.name), cnpg.appSecretKeys]));
  }
}

export function workloadSpec(doc: Doc): {
  selector: { matchLabels: Labels };
  template: { metadata: { labels: Labels; annotations?: Labels }; spec: PodSpec };
} {
  return doc.spec as unknown as ReturnType<typeof workloadSpec>;
}

export function matches(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Every file under mesh/k8s, by path relative to it. */
export async function readCommittedFiles(dir = K8S_DIR): Promise<Map<string, string>> {
  const paths = (await readdir(dir, { recursive: true })).filter((p) => p.endsWith('.yaml')).sort();
  return new Map(
    await Promise.all(paths.map(async (p) => [p, await readFile(join(dir, p), 'utf8')] as const)),
  );
}

/** Parses one file's documents; throws naming the file on a YAML error. */
export function parseFile(path: string, text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length) throw new Error(`${path} document ${i + 1}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Record<string, unknown>;
  });
}

export interface Kustomization {
  readonly resources?: readonly string[];
  readonly patches?: readonly { path: string }[];
}

/** The documents a kustomization builds: its resources (files, or directories with their own), patched. */
export function build(files: ReadonlyMap<string, string>, dir = ''): Manifests {
  const kustomizationPath = posix.join(dir, 'kustomization.yaml');
  const text = files.get(kustomizationPath);
  if (text === undefined) throw new Error(`no ${kustomizationPath}`);
  const kustomization = parseFile(kustomizationPath, text)[0] as Kustomization;
  const docs: Doc[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = posix.normalize(posix.join(dir, resource));
    if (files.has(path)) docs.push(...parseDocs(path, files));
    else docs.push(...build(files, path === '.' ? '' : path).docs);
  }
  for (const { path } of kustomization.patches ?? []) {
    for (const patch of parseDocs(posix.join(dir, path), files)) {
      const at = docs.findIndex((d) => d.kind === patch.kind && d.metadata.name === patch.metadata.name);
      if (at < 0)
        throw new Error(`patch ${path} targets ${patch.kind}/${patch.metadata.name}, which is not there`);
      docs[at] = { ...(mergePatch(docs[at], patch) as Doc), file: docs[at]?.file ?? path };
    }
  }
  return new Manifests(docs);
}

export function parseDocs(path: string, files: ReadonlyMap<string, string>): Doc[] {
  const text = files.get(path);
  if (text === undefined) throw new Error(`no file ${path}`);
  return parseFile(path, text).map((doc) => ({ ...doc, file: path }) as Doc);
}

/** RFC 7386 merge patch, which kustomize applies to custom resources: maps merge, lists are replaced. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base = typeof target === 'object' && target !== null && !Array.isArray(target) ? target : {};
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = mergePatch(merged[key], value);
  }
  return merged;
}
