import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2, { type IncomingHttpHeaders } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import {
  compressionGzip,
  createGrpcTransport as createConnectGrpcTransport,
  createConnectTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
} from '@paymesh/proto/grpc/health/v1/health_pb';
import { EchoRequestSchema, FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createGrpcTransport } from './grpc-client-transport.js';
import {
  connectClients,
  connectEchoCaller,
  type EchoCaller,
  envelope,
  grpcjsEchoCaller,
  grpcjsWatchFirst,
  Magic,
  type Outcome,
  type RawResponse,
  rawGrpcCall,
  readMaxBytes,
  type Servers,
  startServers,
} from './testing/echo-fixture.js';

let servers: Servers;
const closers: (() => void)[] = [];

before(async () => {
  servers = await startServers();
});

after(async () => {
  for (const close of closers) close();
  await servers.stock.close();
  await servers.kit.close();
});

type ClientKind = 'connect' | 'kit' | 'grpc-js';

function caller(kind: ClientKind, port: number): EchoCaller {
  if (kind === 'grpc-js') {
    const { call, client } = grpcjsEchoCaller(port);
    closers.push(() => client.close());
    return call;
  }
  return connectEchoCaller(connectClients[kind](port));
}

/** The outcome of one call made by `kind` against the stock server and against the kit server. */
async function onBothServers(kind: ClientKind, message: string, options = {}): Promise<[Outcome, Outcome]> {
  return [
    await caller(kind, servers.stock.port)(message, options),
    await caller(kind, servers.kit.port)(message, options),
  ];
}

const clientKinds: ClientKind[] = ['connect', 'kit', 'grpc-js'];

describe('gRPC unary calls on the kit path answer every client as connect-node does', () => {
  for (const kind of clientKinds) {
    describe(`${kind} client`, () => {
      it('gets the echo with the handler’s headers and trailers', async () => {
        const before = servers.kit.handler.routed.grpcUnary;
        const [stock, kit] = await onBothServers(kind, 'hello');
        assert.deepEqual(kit, stock);
        assert.deepEqual(kit, {
          code: 0,
          message: 'hello',
          violations: [],
          metadata: { 'x-echo-header': 'from-handler', 'x-echo-trailer': 'from-handler' },
        });
        assert.equal(servers.kit.handler.routed.grpcUnary, before + 1);
      });

      it('gets a domain error’s code, message and field violations', async () => {
        const [stock, kit] = await onBothServers(kind, Magic.domainError);
        assert.deepEqual(kit, stock);
        assert.equal(kit.code, Code.FailedPrecondition);
        assert.equal(kit.message, 'account is frozen');
        assert.deepEqual(kit.violations, [{ field: 'account_id', rule: 'state', description: 'is frozen' }]);
      });

      it('gets a ConnectError’s code, message and metadata', async () => {
        const [stock, kit] = await onBothServers(kind, Magic.connectError);
        assert.deepEqual(kit, stock);
        assert.equal(kit.code, Code.NotFound);
        assert.equal(kit.metadata['x-entry-id'], 'e-1');
      });

      it('gets INVALID_ARGUMENT with violations from the validation interceptor', async () => {
        const [stock, kit] = await onBothServers(kind, 'x'.repeat(1025));
        assert.deepEqual(kit, stock);
        assert.equal(kit.code, Code.InvalidArgument);
        assert.deepEqual(
          kit.violations.map((v) => [v.field, v.rule]),
          [['message', 'string.max_len']],
        );
      });

      it('gets INTERNAL "internal error" for a thrown Error, nothing of its cause', async () => {
        const [stock, kit] = await onBothServers(kind, Magic.rawError);
        assert.deepEqual(kit, stock);
        assert.equal(kit.code, Code.Internal);
        assert.equal(kit.message, 'internal error');
        assert.deepEqual(kit.violations, []);
      });

      it('gets RESOURCE_EXHAUSTED for a message above readMaxBytes', async () => {
        const [stock, kit] = await onBothServers(kind, 'x'.repeat(readMaxBytes + 1));
        assert.deepEqual(kit, stock);
        assert.equal(kit.code, Code.ResourceExhausted);
      });

      it('gets DEADLINE_EXCEEDED when its deadline passes', async () => {
        const [stock, kit] = await onBothServers(kind, Magic.waitForAbort, { timeoutMs: 100 });
        assert.equal(stock.code, Code.DeadlineExceeded);
        assert.equal(kit.code, Code.DeadlineExceeded);
      });

      it('cancels the handler’s signal with CANCELED when it hangs up', async () => {
        const reasons = [];
        for (const server of [servers.stock, servers.kit]) {
          const { waiting, reasons: logged } = { ...server.aborts, reasons: server.aborts.reasons.length };
          const abort = new AbortController();
          const pending = caller(kind, server.port)(Magic.waitForAbort, { signal: abort.signal });
          await until(() => server.aborts.waiting > waiting);
          abort.abort();
          assert.equal((await pending).code, Code.Canceled);
          await until(() => server.aborts.reasons.length > logged);
          reasons.push(server.aborts.reasons.at(-1));
        }
        const [stock, kit] = reasons.map((r) => (r instanceof ConnectError ? [r.code, r.rawMessage] : r));
        assert.deepEqual(kit, stock);
        assert.deepEqual(kit, [Code.Canceled, 'http/2 stream closed with error code CANCEL (0x8)']);
      });
    });
  }
});

describe('gRPC protocol edges on the kit path match connect-node on the wire', () => {
  const request = envelope(toBinary(EchoRequestSchema, create(EchoRequestSchema, { message: 'hi' })));

  /** Status, content headers, x- headers and the status trailers: what a gRPC client reads. */
  function wire(res: RawResponse) {
    const pick = (headers: IncomingHttpHeaders) =>
      Object.fromEntries(
        Object.entries(headers).filter(
          ([key]) => key.startsWith('grpc-') || key.startsWith('x-') || key === 'content-type',
        ),
      );
    return {
      status: res.status,
      headers: pick(res.headers),
      trailers: pick(res.trailers),
      body: res.body.toString('hex'),
    };
  }

  async function bothWire(body: Uint8Array, headers = {}, path?: string) {
    const stock = wire(await rawGrpcCall(servers.stock.port, body, headers, path));
    const kit = wire(await rawGrpcCall(servers.kit.port, body, headers, path));
    assert.deepEqual(kit, stock);
    return kit;
  }

  it('answers with the same headers, trailers and body, gzip negotiated', async () => {
    const kit = await bothWire(request, { 'grpc-accept-encoding': 'identity,deflate,gzip' });
    assert.equal(kit.headers['grpc-encoding'], 'gzip');
    assert.equal(kit.trailers['grpc-status'], '0');
  });

  it('compresses a large answer as connect-node does', async () => {
    const large = envelope(
      toBinary(EchoRequestSchema, create(EchoRequestSchema, { message: 'x'.repeat(1024) })),
    );
    const kit = await bothWire(large, { 'grpc-accept-encoding': 'gzip' });
    assert.equal(kit.headers['grpc-encoding'], 'gzip');
    assert.equal(kit.body.slice(0, 2), '01');
  });

  it('ends the call at its grpc-timeout with DEADLINE_EXCEEDED', async () => {
    const body = envelope(
      toBinary(EchoRequestSchema, create(EchoRequestSchema, { message: Magic.waitForAbort })),
    );
    const kit = await bothWire(body, { 'grpc-timeout': '30m' });
    assert.equal(kit.trailers['grpc-status'], String(Code.DeadlineExceeded));
    const reason = servers.kit.aborts.reasons.at(-1);
    assert.ok(reason instanceof ConnectError && reason.code === Code.DeadlineExceeded);
  });

  it('refuses a malformed grpc-timeout with INVALID_ARGUMENT', async () => {
    const kit = await bothWire(request, { 'grpc-timeout': 'soon' });
    assert.equal(kit.trailers['grpc-status'], String(Code.InvalidArgument));
  });

  it('survives a caller that hangs up mid-body after being refused', async () => {
    const session = http2.connect(`http://127.0.0.1:${servers.kit.port}`);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/paymesh.fixture.v1.FixtureService/Echo',
      'content-type': 'application/grpc',
      'grpc-timeout': 'soon',
    });
    stream.on('data', () => {});
    stream.on('error', () => {});
    stream.write(request.subarray(0, 3));
    const [trailers] = (await once(stream, 'trailers')) as [IncomingHttpHeaders];
    assert.equal(trailers['grpc-status'], String(Code.InvalidArgument));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await once(stream, 'close');
    session.close();
    const next = await rawGrpcCall(servers.kit.port, request);
    assert.equal(next.trailers['grpc-status'], '0');
  });

  it('refuses a compressed message without grpc-encoding with INTERNAL', async () => {
    const kit = await bothWire(envelope(Buffer.from('not gzip'), 1));
    assert.equal(kit.trailers['grpc-status'], String(Code.Internal));
  });

  it('refuses an unknown grpc-encoding with UNIMPLEMENTED', async () => {
    const kit = await bothWire(request, { 'grpc-encoding': 'snappy' });
    assert.equal(kit.trailers['grpc-status'], String(Code.Unimplemented));
  });

  it('refuses a body without a message, with two messages, or with a cut one', async () => {
    const missing = await bothWire(Buffer.alloc(0));
    assert.equal(missing.trailers['grpc-status'], String(Code.Unimplemented));
    const extra = await bothWire(Buffer.concat([request, request]));
    assert.equal(extra.trailers['grpc-status'], String(Code.Unimplemented));
    const cut = await bothWire(request.subarray(0, request.byteLength - 1));
    assert.equal(cut.trailers['grpc-status'], String(Code.InvalidArgument));
  });

  it('answers a raw Error with INTERNAL "internal error" when no interceptor maps it', async () => {
    const check = envelope(
      toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service: Magic.rawError })),
    );
    const kit = await bothWire(check, {}, '/grpc.health.v1.Health/Check');
    assert.equal(kit.trailers['grpc-status'], String(Code.Internal));
    assert.equal(decodeURIComponent(String(kit.trailers['grpc-message'])), 'internal error');
    assert.equal(kit.trailers['grpc-status-details-bin'], undefined);
  });

  it('accepts a gzip-compressed request', async () => {
    for (const server of [servers.stock, servers.kit]) {
      const transport = createGrpcTransport({
        baseUrl: `http://127.0.0.1:${server.port}`,
        sendCompression: compressionGzip,
        compressMinBytes: 1,
      });
      const res = await createClient(FixtureService, transport).echo({ message: 'squeezed' });
      assert.equal(res.message, 'squeezed');
    }
  });
});

describe('everything but binary gRPC unary goes to connect-node on the same server', () => {
  const baseUrl = () => `http://127.0.0.1:${servers.kit.port}`;

  async function servedByConnect(call: () => Promise<unknown>) {
    const before = { ...servers.kit.handler.routed };
    await call();
    assert.equal(servers.kit.handler.routed.grpcUnary, before.grpcUnary);
    assert.ok(servers.kit.handler.routed.connect > before.connect);
  }

  it('serves the Connect protocol (JSON)', async () => {
    const transport = createConnectTransport({
      baseUrl: baseUrl(),
      httpVersion: '2',
      useBinaryFormat: false,
    });
    await servedByConnect(async () => {
      assert.equal((await createClient(FixtureService, transport).echo({ message: 'json' })).message, 'json');
    });
  });

  it('serves gRPC-Web', async () => {
    const transport = createGrpcWebTransport({ baseUrl: baseUrl(), httpVersion: '2' });
    await servedByConnect(async () => {
      assert.equal((await createClient(FixtureService, transport).echo({ message: 'web' })).message, 'web');
    });
  });

  it('serves gRPC with JSON messages', async () => {
    const transport = createConnectGrpcTransport({ baseUrl: baseUrl(), useBinaryFormat: false });
    await servedByConnect(async () => {
      assert.equal(
        (await createClient(FixtureService, transport).echo({ message: 'grpc+json' })).message,
        'grpc+json',
      );
    });
  });

  it('serves a server-streaming RPC to connect-node and grpc-js clients', async () => {
    await servedByConnect(async () => {
      for await (const res of createClient(Health, createGrpcTransport({ baseUrl: baseUrl() })).watch({})) {
        assert.equal(res.status, HealthCheckResponse_ServingStatus.SERVING);
        break;
      }
      assert.equal(await grpcjsWatchFirst(servers.kit.port), HealthCheckResponse_ServingStatus.SERVING);
    });
  });

  it('answers an unknown method as connect-node does', async () => {
    const path = '/paymesh.fixture.v1.FixtureService/Nope';
    const stock = await rawGrpcCall(servers.stock.port, Buffer.alloc(0), {}, path);
    const kit = await rawGrpcCall(servers.kit.port, Buffer.alloc(0), {}, path);
    assert.equal(kit.status, stock.status);
    assert.equal(kit.status, 404);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
