/**
 * Zero trust on the money path, services as real processes over the mesh's mTLS: a caller without
 * a certificate, or with one from another CA, is refused at the handshake; every workload of the
 * topology, calling every method of every running service, is served exactly when
 * mesh/topology.yaml lets it call that method and gets PERMISSION_DENIED otherwise; and a transfer,
 * whose saga crosses every east-west edge of transactions, completes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls, { createSecureContext } from 'node:tls';
import type { DescService } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { writeMeshCredentials } from '@paymesh/platform/mesh/certificates';
import { loadMeshCredentials } from '@paymesh/platform/mesh/mesh-credentials';
import { inboundRules, loadTopology, type Topology } from '@paymesh/platform/mesh/topology';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { TransactionsService, TransferState } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { moves } from './money-path.js';

const served: Record<string, DescService> = {
  accounts: AccountsService,
  risk: RiskService,
  currency: CurrencyService,
  transactions: TransactionsService,
};

let system: RunningSystem;
let topology: Topology;

before(async () => {
  topology = await loadTopology();
  system = await startSystem({ services: Object.keys(served) });
});

after(async () => {
  await system?.dispose();
});

/** What one call answered: its code, and whether the mesh's authorization refused it. */
async function attempt(
  callee: string,
  desc: DescService,
  method: string,
  as: string,
): Promise<{ code: Code | 'OK'; refusedByMesh: boolean }> {
  const client = system.client(callee, desc, { as }) as unknown as Record<
    string,
    (req: object) => Promise<unknown> | AsyncIterable<unknown>
  >;
  const localName = method.charAt(0).toLowerCase() + method.slice(1);
  try {
    const answer = client[localName]?.({});
    if (answer && Symbol.asyncIterator in answer) for await (const _ of answer) break;
    else await answer;
    return { code: 'OK', refusedByMesh: false };
  } catch (err) {
    const error = ConnectError.from(err);
    return { code: error.code, refusedByMesh: reasonOf(error) === 'CALLER_NOT_ALLOWED' };
  }
}

describe('every workload against every method', () => {
  it('is served exactly where the topology allows it, and refused with PERMISSION_DENIED elsewhere', async () => {
    const mismatches: string[] = [];
    let allowedCalls = 0;
    let refusedCalls = 0;
    for (const [callee, desc] of Object.entries(served)) {
      const rules = new Map(inboundRules(topology, callee).map((r) => [r.caller, r.methods]));
      for (const method of desc.methods) {
        const path = `${desc.typeName}/${method.name}`;
        for (const workload of topology.services.map((s) => s.name)) {
          const allowed = rules.has(workload) && (rules.get(workload)?.includes(path) ?? true);
          // Empty requests: an allowed call gets past the mesh and fails validation (or succeeds).
          const outcome = await attempt(callee, desc, method.name, workload);
          const refused = outcome.code === Code.PermissionDenied && outcome.refusedByMesh;
          if (allowed === refused) {
            mismatches.push(
              `${workload} → ${path}: ${allowed ? 'allowed' : 'not allowed'}, answered ${outcome.code}`,
            );
          }
          if (allowed) allowedCalls++;
          else refusedCalls++;
        }
      }
    }
    assert.deepEqual(mismatches, []);
    // The matrix has both sides: the edges the money path uses, and far more that it refuses.
    assert.ok(allowedCalls >= 10, `only ${allowedCalls} allowed calls`);
    assert.ok(refusedCalls > allowedCalls);
  });
});

describe('the handshake', () => {
  it('refuses a client without a certificate', async () => {
    const ca = await loadMeshCredentials(system.credentials('transactions'), { watchIntervalMs: 0 });
    const outcome = await handshake(system.url('accounts'), { ca: ca.serverOptions().ca });
    assert.match(outcome, /CERTIFICATE_REQUIRED/);
  });

  it('refuses a certificate from another CA, even one naming an allowed workload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paymesh-foreign-ca-'));
    try {
      const identity = topology.services.find((s) => s.name === 'transactions')?.identity ?? '';
      const foreign = await writeMeshCredentials(dir, { identities: { transactions: identity } });
      const impostor = await loadMeshCredentials(foreign.files('transactions'), { watchIntervalMs: 0 });
      const ours = await loadMeshCredentials(system.credentials('transactions'), { watchIntervalMs: 0 });
      const { cert, key } = impostor.serverOptions();
      const outcome = await handshake(system.url('accounts'), { cert, key, ca: ours.serverOptions().ca });
      assert.match(outcome, /UNKNOWN_CA|refused/);
      // And through a kit client: the call fails before reaching the service.
      const client = createServiceClient(AccountsService, {
        upstream: `zero-trust-impostor-${randomUUID()}`,
        baseUrl: system.url('accounts'),
        nodeOptions: {
          ...impostor.clientOptions(topology.services.find((s) => s.name === 'accounts')?.identity ?? ''),
          secureContext: createSecureContext({ cert, key, ca: ours.serverOptions().ca }),
        },
        policy: { maxRetries: 0, timeoutMs: 10_000 },
      });
      const err = await client.getAccount({ accountId: randomUUID() }).then(
        () => assert.fail('an impostor was served'),
        (e: unknown) => ConnectError.from(e),
      );
      // The client hears the server's alert (UNAVAILABLE) or, when it loses the race, the reset after it.
      assert.ok([Code.Unavailable, Code.Aborted].includes(err.code), err.message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the money path over mTLS', () => {
  it('completes a transfer whose saga calls risk, accounts and currency as transactions', async () => {
    const m = moves(system);
    const from = await m.open(randomUUID(), 'EUR');
    const to = await m.open(randomUUID(), 'USD');
    await m.fund(from, 100_00n, 'EUR');
    const created = await m.transfer(from, to, 10_00n, 'EUR');
    const transfer = await m.settled(created.transferId);
    assert.equal(TransferState[transfer.state], 'COMPLETED', transfer.failureReason);
  });
});

/**
 * Opens a TLS connection to `url` and reports how the server judged it. Under TLS 1.3 the client
 * finishes its side first, so it speaks (the HTTP/2 preface) to hear the server's verdict.
 */
function handshake(url: string, options: tls.ConnectionOptions): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: hostname,
      port: Number(port),
      ALPNProtocols: ['h2'],
      checkServerIdentity: () => undefined,
      ...options,
    });
    socket.on('secureConnect', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    socket.on('data', () => resolve('accepted'));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(String(err.code)));
    socket.on('close', () => resolve('refused: closed'));
  });
}
