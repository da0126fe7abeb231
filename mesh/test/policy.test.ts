import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import {
  DEFAULT_TOPOLOGY_PATH,
  loadTopology,
  parseTopology,
  type Topology,
} from '@paymesh/platform/mesh/topology';
import { hasPackage, planDeployment, usesDataPlane } from '../lib/deployment-plan.js';
import { generateManifests } from '../lib/generate-manifests.js';
import { isRetryableUnary, loadProtoServices, type ProtoServices } from '../lib/proto-methods.js';
import {
  allowRelationOf,
  allowRelationOfTopology,
  identitiesOf,
  routePaths,
  rpcRoutesOf,
} from './allow-relation.js';
import { authorizationSpec, everyPortUnderOneServer, linkerdReferences } from './manifest-checks.js';
import { build, type Doc, type Manifests, readCommittedFiles } from './manifest-index.js';

describe('Linkerd policy in mesh/k8s', () => {
  let topology: Topology;
  let topologyText: string;
  let committed: Manifests;
  let deployed: string[];
  let protos: ProtoServices;
  before(async () => {
    topologyText = await readFile(DEFAULT_TOPOLOGY_PATH, 'utf8');
    topology = await loadTopology();
    committed = build(await readCommittedFiles());
    deployed = planDeployment(topology).services.map((s) => s.name);
    protos = await loadProtoServices();
  });

  /** Generates in memory from an edited copy of the topology. */
  const generateFrom = async (edit: (text: string) => string) => {
    const text = edit(topologyText);
    assert.notEqual(text, topologyText, 'the edit changed nothing');
    const edited = parseTopology(text, 'edited topology');
    return { topology: edited, manifests: build(await generateManifests(edited, { protos })) };
  };

  it('deploys exactly the services that have a package', () => {
    assert.deepEqual(
      deployed,
      topology.services
        .filter((s) => hasPackage(s.name))
        .map((s) => s.name)
        .sort(),
    );
    assert.ok(deployed.includes('gateway') && !deployed.includes('payments'));
    for (const name of topology.services.map((s) => s.name).filter((n) => !deployed.includes(n)))
      assert.equal(committed.find('Deployment', name), undefined, `${name} has no package but a Deployment`);
  });

  it('grants on every RPC port exactly the callers and methods inboundRules() gives', () => {
    assert.deepEqual(allowRelationOf(committed), allowRelationOfTopology(topology, deployed));
  });

  it('puts a method-limited caller only on routes of its own methods, never on the whole Server', () => {
    for (const callee of deployed) {
      for (const rule of topology.services.flatMap((s) =>
        s.callsMethods[callee] ? [{ caller: s.name, methods: s.callsMethods[callee] }] : [],
      )) {
        for (const policy of committed.ofKind('AuthorizationPolicy')) {
          const { targetRef, requiredAuthenticationRefs } = authorizationSpec(policy);
          const names = requiredAuthenticationRefs.flatMap((ref) =>
            identitiesOf(committed, ref.kind, ref.name),
          );
          if (!names.includes(rule.caller)) continue;
          assert.notEqual(
            targetRef.name,
            `${callee}-rpc`,
            `${rule.caller} is authorized on all of ${callee}`,
          );
          const route = committed.find('HTTPRoute', targetRef.name);
          if (!route || !rpcRoutesOf(committed, callee).includes(route)) continue;
          for (const path of routePaths(route))
            assert.ok(
              rule.methods.includes(path.value.slice(1)),
              `${rule.caller} reaches ${path.value} on ${callee}`,
            );
        }
      }
    }
  });

  it('opens health to any mesh identity, lets catch-all routes admit only Server-wide callers, denies by default', () => {
    for (const server of committed.ofKind('Server')) {
      const edge = server.metadata.name === 'gateway-rpc';
      assert.equal(server.spec?.accessPolicy, edge ? 'all-unauthenticated' : 'deny', server.metadata.name);
    }
    const namespace = committed.ofKind('Namespace')[0];
    assert.equal(namespace?.metadata.annotations?.['config.linkerd.io/default-inbound-policy'], 'deny');
    assert.equal(namespace?.metadata.annotations?.['linkerd.io/inject'], 'enabled');
    for (const callee of deployed) {
      for (const route of rpcRoutesOf(committed, callee)) {
        const policies = policiesOn(committed, route);
        const paths = routePaths(route);
        if (paths.some((p) => p.value === '/grpc.health.v1.Health/'))
          assert.deepEqual(
            policies.flatMap((p) => refsOf(p)),
            ['any-mesh-identity'],
          );
        else if (paths.some((p) => p.type === 'PathPrefix'))
          assert.deepEqual(policies, [], route.metadata.name);
        else
          assert.ok(!policies.flatMap((p) => refsOf(p)).includes('any-mesh-identity'), route.metadata.name);
      }
    }
  });

  it('changes with the topology: an edge removed leaves its callee with no allow at all', async () => {
    const { topology: edited, manifests } = await generateFrom((t) =>
      t.replace(/\n {6}risk: \[AssessTransfer\]/, ''),
    );
    assert.deepEqual(allowRelationOf(manifests), allowRelationOfTopology(edited, deployed));
    assert.notDeepEqual(allowRelationOf(manifests), allowRelationOf(committed));
    assert.deepEqual(allowRelationOf(manifests).risk, {});
    assert.deepEqual(rpcRoutesOf(manifests, 'risk'), []);
    assert.deepEqual(
      manifests
        .ofKind('AuthorizationPolicy')
        .filter((p) => authorizationSpec(p).targetRef.name.startsWith('risk-rpc')),
      [],
    );
    assert.equal(manifests.find('GRPCRoute', 'risk-default'), undefined);
  });

  it('changes with the topology: a caller allowed every method gets the Server, and a catch-all route', async () => {
    const { topology: edited, manifests } = await generateFrom((t) =>
      t.replace('currency: [CreateQuote, Convert]', 'currency: all'),
    );
    const relation = allowRelationOf(manifests);
    assert.deepEqual(relation, allowRelationOfTopology(edited, deployed));
    assert.equal(relation.currency?.transactions, 'all');
    const serverWide = policiesOn(manifests, manifests.find('Server', 'currency-rpc'));
    assert.deepEqual(
      serverWide
        .flatMap((p) => refsOf(p))
        .flatMap((r) => identitiesOf(manifests, 'MeshTLSAuthentication', r)),
      ['transactions'],
    );
    assert.ok(rpcRoutesOf(manifests, 'currency').some((r) => routePaths(r).some((p) => p.value === '/')));
    assert.deepEqual([...linkerdReferences(manifests), ...everyPortUnderOneServer(manifests)], []);
  });

  it('retries and times out only unary methods the contracts declare idempotent, and all of them', () => {
    for (const callee of deployed.filter((name) => topology.services.some((s) => s.calls.includes(name)))) {
      const service = topology.services.find((s) => s.name === callee);
      const expected = (service?.serves ?? []).flatMap((typeName) =>
        (protos.get(typeName)?.methods ?? []).filter(isRetryableUnary).map((m) => `${typeName}/${m.name}`),
      );
      const retried = committed
        .ofKind('GRPCRoute')
        .filter((r) => parentOf(r) === callee && r.metadata.annotations?.['retry.linkerd.io/grpc'])
        .flatMap((r) => grpcMethods(r));
      assert.deepEqual(retried.sort(), expected.sort(), callee);
    }
    for (const route of committed.ofKind('GRPCRoute')) {
      const annotations = Object.keys(route.metadata.annotations ?? {});
      const methods = grpcMethods(route).map((m) => {
        const [typeName, name] = m.split('/');
        return protos.get(typeName ?? '')?.methods.find((x) => x.name === name);
      });
      if (annotations.some((a) => a.startsWith('retry.') || a.startsWith('timeout.'))) {
        assert.ok(methods.length > 0 && methods.every((m) => m && isRetryableUnary(m)), route.metadata.name);
      }
    }
    const watched = committed.ofKind('GRPCRoute').flatMap((r) => grpcMethods(r));
    assert.ok(
      !watched.includes('paymesh.transactions.v1.TransactionsService/WatchTransfer'),
      'a stream is retried',
    );
  });

  it('lets only the services on the kit reach NATS, and only its owner reach each database', () => {
    const kit = topology.services
      .filter((s) => deployed.includes(s.name) && usesDataPlane(s))
      .map((s) => s.name);
    assert.deepEqual(identitiesOf(committed, 'MeshTLSAuthentication', 'nats-client').sort(), kit.sort());
    assert.deepEqual(identitiesOf(committed, 'MeshTLSAuthentication', 'nats-cluster'), ['nats']);
    for (const name of kit) {
      const cluster = `${name}-db`;
      assert.deepEqual(
        identitiesOf(committed, 'MeshTLSAuthentication', `${cluster}-postgres`).sort(),
        [cluster, name].sort(),
      );
      assert.equal(committed.find('Server', `${cluster}-postgres`)?.spec?.proxyProtocol, 'opaque');
    }
    assert.equal(committed.find('Server', 'nats-client')?.spec?.proxyProtocol, 'opaque');
  });
});

function policiesOn(m: Manifests, target: Doc | undefined): Doc[] {
  return m
    .ofKind('AuthorizationPolicy')
    .filter(
      (p) =>
        target &&
        authorizationSpec(p).targetRef.kind === target.kind &&
        authorizationSpec(p).targetRef.name === target.metadata.name,
    );
}

function refsOf(policy: Doc): string[] {
  return authorizationSpec(policy).requiredAuthenticationRefs.map((r) => r.name);
}

function parentOf(route: Doc): string | undefined {
  return (route.spec?.parentRefs as { name: string }[] | undefined)?.[0]?.name;
}

function grpcMethods(route: Doc): string[] {
  const rules = (route.spec?.rules ?? []) as {
    matches?: { method?: { service: string; method: string } }[];
  }[];
  return rules.flatMap((r) =>
    (r.matches ?? []).flatMap((m) => (m.method ? [`${m.method.service}/${m.method.method}`] : [])),
  );
}
