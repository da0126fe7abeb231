import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadTopology } from '@paymesh/platform/mesh/topology';
import { generateManifests } from '../lib/generate-manifests.js';
import { NAME_LABEL, TRACK_LABEL } from '../lib/manifest.js';
import {
  build,
  type Doc,
  type Manifests,
  matches,
  readCommittedFiles,
  workloadSpec,
} from './manifest-index.js';

describe('npm run mesh:generate', () => {
  let committed: Map<string, string>;
  before(async () => {
    committed = await readCommittedFiles();
  });

  it('leaves no diff: a run in memory equals mesh/k8s as committed, file for file', async () => {
    const generated = await generateManifests(await loadTopology());
    assert.deepEqual([...generated.keys()].sort(), [...committed.keys()].sort());
    for (const [path, text] of generated)
      assert.equal(committed.get(path), text, `${path} is stale: run npm run mesh:generate`);
  });

  it('generates nothing for a future service until its package exists, then all of it', async () => {
    const topology = await loadTopology();
    const withPayments = await generateManifests(topology, {
      deployable: (name) =>
        ['gateway', 'users', 'accounts', 'transactions', 'risk', 'currency', 'payments'].includes(name),
    });
    assert.ok(![...committed.keys()].some((p) => p.includes('payments')));
    for (const file of ['workload', 'policy', 'database'])
      assert.ok(withPayments.has(`services/payments/${file}.yaml`), `no ${file} for payments`);
    assert.ok(build(withPayments).find('Deployment', 'payments'));
  });
});

describe('the canary overlay', () => {
  let overlay: Manifests;
  before(async () => {
    overlay = build(await readCommittedFiles(), 'overlays/canary');
  });

  it('runs currency on two tracks, the canary from its own image tag, under the same identity and policy', () => {
    const stable = overlay.find('Deployment', 'currency');
    const canary = overlay.find('Deployment', 'currency-canary');
    assert.ok(stable && canary);
    assert.equal(podLabels(stable)[TRACK_LABEL], 'stable');
    assert.equal(podLabels(canary)[TRACK_LABEL], 'canary');
    assert.match(workloadSpec(canary).template.spec.containers[0]?.image ?? '', /^paymesh:canary$/);
    assert.equal(workloadSpec(canary).template.spec.serviceAccountName, 'currency');
    const server = overlay.find('Server', 'currency-rpc');
    const selector =
      (server?.spec?.podSelector as { matchLabels: Record<string, string> } | undefined)?.matchLabels ?? {};
    assert.ok(matches(selector, podLabels(stable)) && matches(selector, podLabels(canary)));
    for (const [service, deployment] of [
      ['currency-stable', stable],
      ['currency-canary', canary],
    ] as const) {
      const spec = overlay.find('Service', service)?.spec as { selector: Record<string, string> };
      assert.ok(matches(spec.selector, podLabels(deployment)), `${service} misses its track`);
      const other = deployment === stable ? canary : stable;
      assert.ok(!matches(spec.selector, podLabels(other)), `${service} also selects the other track`);
    }
  });

  it('splits every currency route 90/10 between the tracks and keeps the retry and timeout settings', async () => {
    const base = build(await readCommittedFiles());
    const routes = overlay
      .ofKind('GRPCRoute')
      .filter((r) => (r.spec?.parentRefs as { name: string }[] | undefined)?.[0]?.name === 'currency');
    assert.ok(routes.length >= 2);
    for (const route of routes) {
      const rules = route.spec?.rules as { backendRefs: { name: string; weight: number }[] }[];
      for (const rule of rules)
        assert.deepEqual(
          rule.backendRefs.map((b) => [b.name, b.weight]),
          [
            ['currency-stable', 90],
            ['currency-canary', 10],
          ],
        );
      assert.deepEqual(
        route.metadata.annotations,
        base.find('GRPCRoute', route.metadata.name)?.metadata.annotations,
      );
    }
    const accounts = overlay.find('GRPCRoute', 'accounts-retryable')?.spec?.rules as {
      backendRefs: { name: string }[];
    }[];
    assert.ok(
      accounts.every((r) => r.backendRefs.every((b) => b.name === 'accounts')),
      'the split leaked to accounts',
    );
  });
});

function podLabels(deployment: Doc): Record<string, string> {
  const labels = workloadSpec(deployment).template.metadata.labels;
  assert.ok(labels[NAME_LABEL]);
  return { ...labels };
}
