/**
 * gRPC interop: a plain @grpc/grpc-js client, built at run time from the .proto files alone (no
 * generated code, no paymesh library), completes a transfer — as a client generated in any
 * language would, over the mesh's mTLS with the gateway's certificate (standard X.509 files).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { REPO_ROOT } from '@paymesh/platform/mesh/topology';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { moves } from './money-path.js';

let system: RunningSystem;

before(async () => {
  system = await startSystem({ services: ['accounts', 'risk', 'currency', 'transactions'] });
});

after(async () => {
  await system?.dispose();
});

type Unary = (request: object, callback: (err: grpc.ServiceError | null, response: unknown) => void) => void;

function grpcClient(
  proto: string,
  service: string,
  address: string,
  credentials: grpc.ChannelCredentials,
): Record<string, Unary> {
  const definition = protoLoader.loadSync(proto, {
    includeDirs: [join(REPO_ROOT, 'proto')],
    longs: String,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as Record<string, unknown>;
  const ctor = service
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], loaded);
  const Client = ctor as new (address: string, credentials: grpc.ChannelCredentials) => Record<string, Unary>;
  return new Client(address, credentials);
}

function call<T>(client: Record<string, Unary>, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = client[method];
    if (!fn) return reject(new Error(`no method ${method}`));
    fn.call(client, request, (err, response) => (err ? reject(err) : resolve(response as T)));
  });
}

it('a grpc-js client made from the .proto files alone completes a transfer', async () => {
  // `localhost` is among the names of every workload certificate, for clients that check the host.
  const address = system.url('transactions').replace('https://127.0.0.1', 'localhost');
  const files = system.credentials('gateway');
  const credentials = grpc.credentials.createSsl(
    readFileSync(files.caFile),
    readFileSync(files.keyFile),
    readFileSync(files.certFile),
  );
  const m = moves(system);
  const from = await m.open(randomUUID(), 'EUR');
  const to = await m.open(randomUUID(), 'EUR');
  await m.fund(from, 50_00n, 'EUR');

  const client = grpcClient(
    'paymesh/transactions/v1/transactions.proto',
    'paymesh.transactions.v1.TransactionsService',
    address,
    credentials,
  );
  const answer = await call<{ transfer: { state: string; amount: string; transferId: string } }>(
    client,
    'createTransfer',
    {
      idempotencyKey: `interop-${randomUUID()}`,
      sourceAccountId: from,
      destinationAccountId: to,
      amount: '1250',
      currency: 'EUR',
      description: 'from grpc-js',
    },
  );
  assert.equal(answer.transfer.state, 'TRANSFER_STATE_COMPLETED');
  assert.equal(answer.transfer.amount, '1250');
  assert.equal(await m.posted(to), 12_50n);

  const refused = await call(client, 'createTransfer', { idempotencyKey: 'x', amount: '-1' }).catch((e) => e);
  assert.equal((refused as grpc.ServiceError).code, grpc.status.INVALID_ARGUMENT);
  (client as unknown as grpc.Client).close();
});
