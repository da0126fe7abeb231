import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls, { createSecureContext } from 'node:tls';
import { Code, ConnectError } from '@connectrpc/connect';
import { Health, HealthCheckResponse_ServingStatus } from '@paymesh/proto/grpc/health/v1/health_pb';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createServiceClient } from '../client/service-client.js';
import { ConfigError } from '../config/config.js';
import { errorInfoOf } from '../errors/domain-error.js';
import { captureLogger } from '../server/capture-logger.js';
import { createRpcServer, type RpcServer } from '../server/rpc-server.js';
import { waitFor } from '../testing/wait-for.js';
import { credentialFiles, credentialVariables, writeMeshCredentials } from './certificates.js';
import { loadMeshContext, type MeshContext } from './mesh-context.js';
import { loadMeshCredentials, peerIdentityOf } from './mesh-credentials.js';

/**
 * A small mesh: `ledger` serves the fixture; `teller` may call only Echo on it, `auditor` every
 * method; `stranger` is a workload of the mesh that may call nothing.
 */
const topologyYaml = `
trustDomain: paymesh.test
namespace: meshtest
services:
  ledger: { port: 4001, adminPort: 5001, serves: [paymesh.fixture.v1.FixtureService] }
  teller: { port: 4002, adminPort: 5002, calls: { ledger: [Echo] } }
  auditor: { port: 4003, adminPort: 5003, calls: [ledger] }
  stranger: { port: 4004, adminPort: 5004 }
`;
const identity = (name: string) => `spiffe://paymesh.test/ns/meshtest/sa/${name}`;
const workloads = ['ledger', 'teller', 'auditor', 'stranger'];

describe('east-west mTLS with the topology enforced', () => {
  const { logger, lines } = captureLogger();
  let dir: string;
  let otherDir: string;
  let topologyFile: string;
  let server: RpcServer;
  let mesh: MeshContext;
  let handled = 0;
  const contexts: MeshContext[] = [];

  const contextOf = async (name: string, from = dir): Promise<MeshContext> => {
    const context = await loadMeshContext({
      SERVICE_NAME: name,
      MESH_TOPOLOGY_FILE: topologyFile,
      ...variables(credentialFiles(from, name)),
    });
    assert.ok(context);
    contexts.push(context);
    return context;
  };
  const baseUrl = () => `https://127.0.0.1:${server.port}`;
  const fixtureClient = (caller: MeshContext, upstream = 'ledger') =>
    createServiceClient(FixtureService, {
      upstream: `mtls-test-${caller.self.name}-${Math.random()}`,
      baseUrl: baseUrl(),
      nodeOptions: caller.clientOptions(upstream, baseUrl()),
      policy: { maxRetries: 0, timeoutMs: 5_000 },
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paymesh-mtls-'));
    otherDir = await mkdtemp(join(tmpdir(), 'paymesh-mtls-other-'));
    topologyFile = join(dir, 'topology.yaml');
    await writeFile(topologyFile, topologyYaml);
    const identities = Object.fromEntries(workloads.map((name) => [name, identity(name)]));
    await writeMeshCredentials(dir, { identities });
    // The same identities, signed by a CA this mesh does not trust.
    await writeMeshCredentials(otherDir, { identities });
    mesh = await contextOf('ledger');
    server = createRpcServer({
      logger,
      mesh,
      routes: (router) =>
        router.service(FixtureService, {
          echo(req) {
            handled++;
            return { message: req.message };
          },
          getTally() {
            handled++;
            return {};
          },
        }),
    });
    await server.start();
    server.readiness.markServing();
  });

  after(async () => {
    await server?.stop();
    for (const context of contexts) context.credentials.close();
    await rm(dir, { recursive: true, force: true });
    await rm(otherDir, { recursive: true, force: true });
  });

  it('serves a caller the topology allows, on the methods it allows', async () => {
    const res = await fixtureClient(await contextOf('teller')).echo({ message: 'over mTLS' });
    assert.equal(res.message, 'over mTLS');
    const auditor = fixtureClient(await contextOf('auditor'));
    assert.equal((await auditor.echo({ message: 'all methods' })).message, 'all methods');
    await auditor.getTally({ accountId: 'any' });
  });

  it('answers PERMISSION_DENIED to a method outside the caller’s list, before the handler runs', async () => {
    const before = handled;
    const err = await rejection(fixtureClient(await contextOf('teller')).getTally({ accountId: 'any' }));
    assert.equal(err.code, Code.PermissionDenied);
    assert.equal(errorInfoOf(err)?.reason, 'CALLER_NOT_ALLOWED');
    assert.match(err.rawMessage, /sa\/teller may not call paymesh\.fixture\.v1\.FixtureService\/GetTally/);
    assert.equal(handled, before);
  });

  it('answers PERMISSION_DENIED to a workload the topology does not let call this service', async () => {
    const err = await rejection(fixtureClient(await contextOf('stranger')).echo({ message: 'hi' }));
    assert.equal(err.code, Code.PermissionDenied);
    assert.equal(errorInfoOf(err)?.metadata?.caller, identity('stranger'));
  });

  it('lets any workload of the mesh check health', async () => {
    const stranger = await contextOf('stranger');
    const health = createServiceClient(Health, {
      upstream: `mtls-health-${Math.random()}`,
      baseUrl: baseUrl(),
      nodeOptions: stranger.clientOptions('ledger', baseUrl()),
    });
    const { status } = await health.check({ service: '' });
    assert.equal(status, HealthCheckResponse_ServingStatus.SERVING);
  });

  it('refuses at the handshake a client without a certificate', async () => {
    const before = handled;
    const files = credentialFiles(dir, 'teller');
    const { ca } = await loadMeshCredentials(files).then((c) => {
      c.close();
      return { ca: c.serverOptions().ca };
    });
    const client = createServiceClient(FixtureService, {
      upstream: `mtls-nocert-${Math.random()}`,
      baseUrl: baseUrl(),
      nodeOptions: { ca, checkServerIdentity: () => undefined },
      policy: { maxRetries: 0, timeoutMs: 5_000 },
    });
    const err = await rejection(client.echo({ message: 'no cert' }));
    // The client hears the server's alert (UNAVAILABLE) or, when it loses the race, the reset after it.
    assert.ok([Code.Unavailable, Code.Aborted].includes(err.code), err.message);
    assert.equal(handled, before);
  });

  it('refuses at the handshake a certificate from another CA, even with an allowed identity', async () => {
    const before = handled;
    const impostor = await loadMeshCredentials(credentialFiles(otherDir, 'teller'));
    try {
      const client = createServiceClient(FixtureService, {
        upstream: `mtls-otherca-${Math.random()}`,
        baseUrl: baseUrl(),
        // Trusts our CA for the server, presents a teller certificate signed by the other one.
        nodeOptions: {
          ...impostor.clientOptions(identity('ledger')),
          secureContext: createSecureContext({
            ...impostor.serverOptions(),
            ca: mesh.credentials.serverOptions().ca,
          }),
        },
        policy: { maxRetries: 0, timeoutMs: 5_000 },
      });
      const err = await rejection(client.echo({ message: 'impostor' }));
      // The client hears the server's alert (UNAVAILABLE) or, when it loses the race, the reset after it.
      assert.ok([Code.Unavailable, Code.Aborted].includes(err.code), err.message);
      assert.equal(handled, before);
      // The server refused the handshake itself, naming why.
      const refusals = lines.filter((l) => l.msg === 'mesh TLS handshake refused');
      assert.ok(
        refusals.some((l) => /certificate/i.test(JSON.stringify(l.err))),
        JSON.stringify(refusals),
      );
    } finally {
      impostor.close();
    }
  });

  it('refuses, as a client, a server that is not the upstream it meant to call', async () => {
    // Teller expects `auditor` behind this address; the ledger answers.
    const teller = await contextOf('teller');
    const err = await rejection(fixtureClient(teller, 'auditor').echo({ message: 'who are you' }));
    assert.equal(err.code, Code.Unavailable);
    assert.match(err.message, /sa\/ledger, not spiffe:\/\/paymesh\.test\/ns\/meshtest\/sa\/auditor/);
  });

  it('serves Connect JSON over HTTP/1.1 with TLS (ALPN), the caller still identified', async () => {
    const files = credentialFiles(dir, 'stranger');
    const credentials = await loadMeshCredentials(files);
    credentials.close();
    const { ca, cert, key } = credentials.serverOptions();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(
        `${baseUrl()}/paymesh.fixture.v1.FixtureService/Echo`,
        { method: 'POST', ca, cert, key, headers: { 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{"message":"h1"}');
    });
    assert.equal(answer.status, 403);
    assert.match(answer.body, /permission_denied/);
    assert.match(answer.body, /sa\/stranger may not call/);
  });

  it('rotates certificates without a restart: new handshakes get the reissued one', async () => {
    const before = mesh.credentials.serialNumber;
    assert.equal(await servedSerial(server.port, dir), before);
    const rotated = await writeMeshCredentials(dir, {
      identities: { ledger: identity('ledger') },
      rotate: true,
    });
    assert.deepEqual(rotated.issued, ['ledger']);
    await waitFor('the server to present its new certificate', async () => {
      return (await servedSerial(server.port, dir)) !== before;
    });
    assert.notEqual(mesh.credentials.serialNumber, before);
    assert.equal(await servedSerial(server.port, dir), mesh.credentials.serialNumber);
    // And callers keep working across it.
    assert.equal(
      (await fixtureClient(await contextOf('teller')).echo({ message: 'after' })).message,
      'after',
    );
  });

  it('refuses to start a service whose certificate is not its topology identity', async () => {
    await assert.rejects(
      loadMeshContext({
        SERVICE_NAME: 'ledger',
        MESH_TOPOLOGY_FILE: topologyFile,
        ...variables(credentialFiles(dir, 'teller')),
      }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /the certificate is .*sa\/teller, but ledger is .*sa\/ledger/.test(err.message),
    );
  });

  it('names the missing variable when only some mesh credentials are given', async () => {
    const files = credentialFiles(dir, 'ledger');
    await assert.rejects(
      loadMeshContext({
        SERVICE_NAME: 'ledger',
        MESH_TLS_CA_FILE: files.caFile,
        MESH_TLS_CERT_FILE: files.certFile,
      }),
      (err: unknown) => err instanceof ConfigError && /MESH_TLS_KEY_FILE: is required/.test(err.message),
    );
  });
});

function variables(files: ReturnType<typeof credentialFiles>) {
  const v = credentialVariables(files);
  return {
    MESH_TLS_CA_FILE: v.MESH_TLS_CA_FILE,
    MESH_TLS_CERT_FILE: v.MESH_TLS_CERT_FILE,
    MESH_TLS_KEY_FILE: v.MESH_TLS_KEY_FILE,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  assert.fail('the call succeeded');
}

/** The serial number of the certificate the server presents on a new handshake. */
async function servedSerial(port: number, dir: string): Promise<string> {
  const credentials = await loadMeshCredentials(credentialFiles(dir, 'auditor'));
  credentials.close();
  const { ca, cert, key } = credentials.serverOptions();
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, ca, cert, key, ALPNProtocols: ['h2'], checkServerIdentity: () => undefined },
      () => {
        const peer = socket.getPeerCertificate();
        assert.equal(peerIdentityOf(peer), identity('ledger'));
        socket.destroy();
        resolve(peer.serialNumber);
      },
    );
    socket.on('error', reject);
  });
}
