import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadTopology } from '@paymesh/platform/mesh/topology';
import { SHUTDOWN_WATCHDOG_MS } from '@paymesh/platform/server/run-service';
import { GENERATED_HEADER } from '../lib/manifest.js';
import {
  containerHardening,
  everyPortUnderOneServer,
  linkerdReferences,
  podDisruptionBudgets,
  probesOnRealPorts,
  requiredFields,
  serviceReferences,
  uniqueNames,
  workloadReferences,
} from './manifest-checks.js';
import {
  build,
  type Doc,
  type Kustomization,
  Manifests,
  parseFile,
  readCommittedFiles,
  workloadSpec,
} from './manifest-index.js';

const checks = {
  'every object has apiVersion, kind, a name, and the namespace when it is namespaced': (
    m: Manifests,
    ns: string,
  ) => requiredFields(m, ns),
  'no kind and name is defined twice': uniqueNames,
  'workloads match their selectors, a Service selects each, and their ServiceAccounts, Secrets and ConfigMaps exist':
    workloadReferences,
  'Services select pods that have every target port': serviceReferences,
  'disruption budgets select pods': podDisruptionBudgets,
  'every container is non-root, read-only, unprivileged, seccomp-confined, with resources and probes':
    containerHardening,
  'probes target ports the container has': probesOnRealPorts,
  'Linkerd Servers, routes, authorizations and identities all resolve': linkerdReferences,
  'every pod port is under exactly one Linkerd Server': everyPortUnderOneServer,
};

describe('mesh/k8s as committed', () => {
  let files: Map<string, string>;
  let namespace: string;
  before(async () => {
    files = await readCommittedFiles();
    namespace = (await loadTopology()).namespace;
  });

  it('parses: every file is YAML and starts with the generated header', () => {
    assert.ok(files.size > 0);
    for (const [path, text] of files) {
      assert.ok(text.startsWith(`${GENERATED_HEADER}\n`), `${path} lacks the header`);
      assert.ok(parseFile(path, text).length > 0, `${path} has no document`);
    }
  });

  it('the base kustomization lists exactly the files present outside overlays', () => {
    const listed = kustomization(files, 'kustomization.yaml').resources ?? [];
    const present = [...files.keys()].filter((p) => p !== 'kustomization.yaml' && !p.startsWith('overlays/'));
    assert.deepEqual([...listed].sort(), present.sort());
  });

  it('each overlay lists the base and exactly its own files', () => {
    const overlays = [...files.keys()].filter((p) => /^overlays\/[^/]+\/kustomization\.yaml$/.test(p));
    assert.ok(overlays.length > 0, 'no overlay');
    for (const path of overlays) {
      const dir = path.slice(0, -'kustomization.yaml'.length);
      const k = kustomization(files, path);
      const own = [
        ...(k.resources ?? []).filter((r) => r !== '../..'),
        ...(k.patches ?? []).map((p) => p.path),
      ];
      assert.ok(k.resources?.includes('../..'), `${path} does not build on the base`);
      const present = [...files.keys()]
        .filter((p) => p.startsWith(dir) && p !== path)
        .map((p) => p.slice(dir.length));
      assert.deepEqual(own.sort(), present.sort());
    }
  });

  for (const [what, check] of Object.entries(checks)) {
    it(`base and canary overlay: ${what}`, () => {
      for (const dir of ['', 'overlays/canary'])
        assert.deepEqual(check(build(files, dir), namespace), [], dir || 'base');
    });
  }

  it("gives each service a termination grace longer than the kit's drain, grace and shutdown watchdog", () => {
    const deployments = build(files)
      .ofKind('Deployment')
      .filter((d) => envOf(d).SHUTDOWN_GRACE_MS !== undefined);
    assert.ok(deployments.length > 0);
    for (const d of deployments) {
      const env = envOf(d);
      const budgetMs =
        Number(env.SHUTDOWN_DRAIN_DELAY_MS ?? 0) + Number(env.SHUTDOWN_GRACE_MS) + SHUTDOWN_WATCHDOG_MS;
      const pod = workloadSpec(d).template.spec;
      assert.ok(
        (pod.terminationGracePeriodSeconds ?? 30) * 1000 > budgetMs,
        `${d.metadata.name}: ${pod.terminationGracePeriodSeconds}s`,
      );
    }
  });

  it('the checks find broken references: a missing ConfigMap, ServiceAccount, Server or CNPG Cluster', () => {
    const base = build(files);
    const without = (kind: string, name: string) =>
      new Manifests(base.docs.filter((d) => !(d.kind === kind && d.metadata.name === name)));
    assert.match(workloadReferences(without('ConfigMap', 'nats-config')).join('\n'), /ConfigMap nats-config/);
    assert.match(
      workloadReferences(without('ServiceAccount', 'accounts')).join('\n'),
      /ServiceAccount accounts/,
    );
    assert.match(
      linkerdReferences(without('ServiceAccount', 'transactions')).join('\n'),
      /ServiceAccount\/transactions/,
    );
    assert.match(
      everyPortUnderOneServer(without('Server', 'nats-cluster')).join('\n'),
      /nats port cluster: 0 Servers/,
    );
    assert.match(workloadReferences(without('Cluster', 'users-db')).join('\n'), /Secret users-db-app/);
  });
});

function kustomization(files: Map<string, string>, path: string): Kustomization {
  return parseFile(path, files.get(path) ?? '')[0] as Kustomization;
}

function envOf(deployment: Doc): Record<string, string | undefined> {
  const { containers } = workloadSpec(deployment).template.spec;
  return Object.fromEntries(containers.flatMap((c) => c.env ?? []).map((v) => [v.name, v.value]));
}
