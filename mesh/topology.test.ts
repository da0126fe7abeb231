/**
 * mesh/topology.yaml against the code: every client a service creates, every stream it consumes
 * and the one it publishes to are in the topology, and nothing the topology says is unbacked — no
 * edge without the code that uses it, no `serves` without the contract, no method that does not
 * exist. (At run time, with mTLS, a service whose code disagrees with its entry does not start.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createFileRegistry, type FileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { manifestDisagreements, type ServiceManifest } from '@paymesh/platform/mesh/service-manifest';
import {
  DEFAULT_TOPOLOGY_PATH,
  loadTopology,
  parseTopology,
  REPO_ROOT,
  serviceDirectory,
  type Topology,
} from '@paymesh/platform/mesh/topology';

let topology: Topology;
let registry: FileRegistry;
/** The manifest of every service that has code, by name. */
const manifests = new Map<string, ServiceManifest>();

before(async () => {
  topology = await loadTopology();
  const image = execFileSync(join(REPO_ROOT, 'node_modules/.bin/buf'), ['build', '-o', '-'], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, image));
  for (const service of topology.services) {
    const definition = join(serviceDirectory(service.name), 'src', 'service.ts');
    if (!existsSync(definition)) continue;
    const exports: Record<string, unknown> = await import(pathToFileURL(definition).href);
    const defined = Object.values(exports).find(
      (value): value is { manifest: ServiceManifest } =>
        typeof value === 'object' && value !== null && 'manifest' in value,
    );
    assert.ok(defined, `${definition} exports no defineService(...) result`);
    manifests.set(service.name, defined.manifest);
  }
  // The edge is not a defineService: it declares its manifest beside its upstream clients.
  const gateway = await import(pathToFileURL(join(REPO_ROOT, 'gateway/src/public-api/upstreams.ts')).href);
  manifests.set('gateway', gateway.gatewayManifest);
});

/** Where the topology and the code disagree, one line each. */
function disagreements(topology: Topology): string[] {
  const problems: string[] = [];
  for (const service of topology.services) {
    const code = manifests.get(service.name);
    problems.push(...manifestDisagreements(service, code ?? { upstreams: [], consumes: [] }));
    if (!code && service.serves.length) problems.push(`${service.name}: no code, but serves is set`);
    for (const typeName of service.serves) {
      if (!registry.getService(typeName)) problems.push(`${service.name}: serves ${typeName}, not in proto/`);
    }
    for (const [callee, methods] of Object.entries(service.callsMethods)) {
      for (const method of methods) {
        const [typeName = '', name] = method.split('/');
        if (!registry.getService(typeName)?.methods.some((m) => m.name === name)) {
          problems.push(`${service.name}.calls.${callee}: ${method} does not exist`);
        }
      }
    }
  }
  // Every contract of proto/paymesh (but the kit's fixture) is served by a service of the mesh.
  const servedAnywhere = new Set(topology.services.flatMap((s) => s.serves));
  for (const desc of registry) {
    if (
      desc.kind !== 'service' ||
      !desc.typeName.startsWith('paymesh.') ||
      desc.typeName.includes('.fixture.')
    ) {
      continue;
    }
    if (!servedAnywhere.has(desc.typeName))
      problems.push(`${desc.typeName}: no service of the topology serves it`);
  }
  return problems;
}

describe('mesh/topology.yaml and the code', () => {
  it('agree: calls, consumes, publishes, serves and named methods all match', () => {
    assert.deepEqual(disagreements(topology), []);
  });

  it('disagree as soon as the topology drops, adds or misnames something', async () => {
    const text = await readFile(DEFAULT_TOPOLOGY_PATH, 'utf8');
    const variant = (from: string, to: string) => {
      assert.ok(text.includes(from), `the topology no longer contains ${from}`);
      return disagreements(parseTopology(text.replace(from, to)));
    };
    assert.match(
      variant('risk: [AssessTransfer]', 'users: [GetUser]').join('\n'),
      /transactions: the topology says it calls/,
    );
    assert.match(
      variant('consumes: [accounts, transactions]', 'consumes: [accounts]').join('\n'),
      /risk: the topology says it consumes/,
    );
    assert.match(
      variant('[CreateQuote, Convert]', '[CreateQuote, Exchange]').join('\n'),
      /CurrencyService\/Exchange does not exist/,
    );
    assert.match(
      variant('serves: [paymesh.risk.v1.RiskService]', 'serves: [paymesh.risk.v1.RiskDesk]').join('\n'),
      /serves paymesh\.risk\.v1\.RiskDesk, not in proto/,
    );
  });
});
