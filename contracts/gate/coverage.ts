/**
 * The coverage gate: every edge of mesh/topology.yaml (a service calling another, a service consuming
 * a context's stream) needs a pact file between the two in contracts/pacts/ and a test in contracts/
 * that verifies that file against the provider (Verifier run on `pactFile(consumer, provider)`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Topology } from '@paymesh/platform/mesh/topology';

export interface Edge {
  consumer: string;
  provider: string;
  kind: 'calls' | 'consumes';
}

export function topologyEdges(topology: Topology): Edge[] {
  const ownerOf = (context: string) => {
    const owner = topology.services.find((s) => s.context === context);
    if (!owner) throw new Error(`no service owns the ${context} stream`);
    return owner.name;
  };
  return topology.services.flatMap((s) => [
    ...s.calls.map((provider): Edge => ({ consumer: s.name, provider, kind: 'calls' })),
    ...s.consumes.map(
      (context): Edge => ({ consumer: s.name, provider: ownerOf(context), kind: 'consumes' }),
    ),
  ]);
}

/** The test sources of a folder, recursively (pacts and node_modules aside). */
export function testSources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** Each edge without a pact file naming both participants, or without a test verifying it; with why. */
export function uncoveredEdges(
  edges: readonly Edge[],
  pactDir: string,
  sources: readonly string[],
): string[] {
  return edges.flatMap(({ consumer, provider, kind }) => {
    const edge = `${consumer} → ${provider} (${kind})`;
    const file = join(pactDir, `${consumer}-${provider}.json`);
    if (!existsSync(file)) return [`${edge}: no pact file ${consumer}-${provider}.json`];
    const pact = JSON.parse(readFileSync(file, 'utf8')) as {
      consumer?: { name?: string };
      provider?: { name?: string };
    };
    if (pact.consumer?.name !== consumer || pact.provider?.name !== provider) {
      return [`${edge}: ${consumer}-${provider}.json names other participants`];
    }
    const reference = `pactFile('${consumer}', '${provider}')`;
    const verified = sources.some(
      (s) => s.includes(reference) && (s.includes('verifyPact(') || s.includes('new Verifier(')),
    );
    return verified ? [] : [`${edge}: no test verifies ${consumer}-${provider}.json`];
  });
}
