/** The coverage gate over the real topology, and proof it names an edge nobody wrote a pact for. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadTopology } from '@paymesh/platform/mesh/topology';
import { PACT_DIR } from '../support/pact.js';
import { testSources, topologyEdges, uncoveredEdges } from './coverage.js';

const CONTRACTS_DIR = fileURLToPath(new URL('..', import.meta.url));

test('every calls and consumes edge of mesh/topology.yaml has a pact verified by a test here', async () => {
  const edges = topologyEdges(await loadTopology());
  assert.ok(edges.length > 0, 'the topology has edges');
  const uncovered = uncoveredEdges(edges, PACT_DIR, testSources(CONTRACTS_DIR));
  assert.deepEqual(uncovered, [], `edges without a verified pact:\n${uncovered.join('\n')}`);
});

test('the gate names an edge that has no pact and one whose pact no test verifies', async () => {
  const uncovered = uncoveredEdges(
    [
      { consumer: 'payments', provider: 'accounts', kind: 'calls' },
      { consumer: 'transactions', provider: 'accounts', kind: 'calls' },
    ],
    PACT_DIR,
    [],
  );
  assert.deepEqual(uncovered, [
    'payments → accounts (calls): no pact file payments-accounts.json',
    'transactions → accounts (calls): no test verifies transactions-accounts.json',
  ]);
});
