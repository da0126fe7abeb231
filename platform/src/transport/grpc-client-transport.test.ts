import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code, ConnectError, createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import {
  createGrpcTransport as createConnectGrpcTransport,
  type GrpcTransportOptions,
} from '@connectrpc/connect-node';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createGrpcTransport } from './grpc-client-transport.js';
import { type Servers, startServers } from './testing/echo-fixture.js';

let servers: Servers;

before(async () => {
  servers = await startServers();
});

after(async () => {
  await servers.stock.close();
  await servers.kit.close();
});

const transports: Record<'connect' | 'kit', (options: GrpcTransportOptions) => Transport> = {
  connect: createConnectGrpcTransport,
  kit: createGrpcTransport,
};

/** How a call failed, as a caller sees it; undefined when it succeeded. */
async function failure(call: Promise<unknown>): Promise<{ code: Code; message: string } | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    const error = ConnectError.from(err);
    return { code: error.code, message: error.rawMessage };
  }
}

/** The same call through connect-node's transport and through the kit's, against the stock server. */
async function both<T>(
  call: (transport: Transport) => Promise<T>,
  options: Partial<GrpcTransportOptions> = {},
): Promise<[T, T]> {
  const baseUrl = `http://127.0.0.1:${servers.stock.port}`;
  return [
    await call(transports.connect({ baseUrl, ...options })),
    await call(transports.kit({ baseUrl, ...options })),
  ];
}

describe('the kit gRPC transport behaves as connect-node’s', () => {
  it('shows interceptors the same request, response headers, trailers and ended signal', async () => {
    const spied = async (transportOf: (options: GrpcTransportOptions) => Transport) => {
      const record: Record<string, unknown> = {};
      let signal: AbortSignal | undefined;
      const spy: Interceptor = (next) => async (req) => {
        signal = req.signal;
        const res = await next(req);
        Object.assign(record, {
          url: req.url,
          requestMethod: req.requestMethod,
          // The deadline header counts down, so only its presence compares.
          header: [...req.header].filter(([key]) => key !== 'grpc-timeout'),
          deadlineSent: req.header.has('grpc-timeout'),
          responseHeader: [...res.header].filter(([key]) => key !== 'date'),
          trailer: [...res.trailer],
          message: res.stream ? undefined : res.message,
        });
        return res;
      };
      const transport = transportOf({
        baseUrl: `http://127.0.0.1:${servers.stock.port}`,
        interceptors: [spy],
      });
      await createClient(FixtureService, transport).echo(
        { message: 'hello' },
        { timeoutMs: 5_000, headers: { 'x-caller': 'test' } },
      );
      return { record, ended: [signal?.aborted, (signal?.reason as Error | undefined)?.name] };
    };
    const viaConnect = await spied(transports.connect);
    const viaKit = await spied(transports.kit);
    assert.deepEqual(viaKit, viaConnect);
    assert.equal(viaKit.record.deadlineSent, true);
    assert.deepEqual(viaKit.ended, [true, 'AbortError']);
  });

  it('reads a gzip-compressed answer', async () => {
    // Echo answers above compressMinBytes (1 KiB) come back gzipped, as the client accepts gzip.
    const message = 'x'.repeat(1024);
    const [connect, kit] = await both(async (transport) => {
      let encoding: string | null = null;
      const res = await createClient(FixtureService, transport).echo(
        { message },
        { onHeader: (header) => (encoding = header.get('grpc-encoding')) },
      );
      return [res.message.length, encoding];
    });
    assert.deepEqual(kit, connect);
    assert.deepEqual(kit, [1024, 'gzip']);
  });

  it('fails the call with the error of an interceptor that throws', async () => {
    const broken: Interceptor = () => () => {
      throw new ConnectError('no credentials', Code.Unauthenticated);
    };
    const [connect, kit] = await both(
      (transport) => failure(createClient(FixtureService, transport).echo({ message: 'x' })),
      { interceptors: [broken] },
    );
    assert.deepEqual(kit, connect);
    assert.deepEqual(kit, { code: Code.Unauthenticated, message: 'no credentials' });
  });

  it('fails with UNAVAILABLE when nothing listens', async () => {
    const closed = `http://127.0.0.1:1`;
    const connect = await failure(
      createClient(FixtureService, transports.connect({ baseUrl: closed })).echo({}),
    );
    const kit = await failure(createClient(FixtureService, transports.kit({ baseUrl: closed })).echo({}));
    assert.equal(kit?.code, Code.Unavailable);
    assert.equal(kit?.code, connect?.code);
  });

  it('refuses a response above readMaxBytes and a request above writeMaxBytes', async () => {
    const echo = (transport: Transport) =>
      failure(createClient(FixtureService, transport).echo({ message: 'x'.repeat(100) }));
    const [connectRead, kitRead] = await both(echo, { readMaxBytes: 50 });
    assert.deepEqual(kitRead, connectRead);
    assert.equal(kitRead?.code, Code.ResourceExhausted);
    const [connectWrite, kitWrite] = await both(echo, { writeMaxBytes: 50 });
    assert.deepEqual(kitWrite, connectWrite);
    assert.equal(kitWrite?.code, Code.ResourceExhausted);
  });

  it('fails at once with CANCELED when the caller’s signal is already aborted', async () => {
    const [connect, kit] = await both((transport) =>
      failure(
        createClient(FixtureService, transport).echo({ message: 'late' }, { signal: AbortSignal.abort() }),
      ),
    );
    assert.deepEqual(kit, connect);
    assert.equal(kit?.code, Code.Canceled);
  });

  it('reads a trailers-only answer (unknown method) as connect-node does', async () => {
    const unknown = (transport: Transport) =>
      failure(
        transport.unary({ ...FixtureService.method.echo, name: 'Nope' }, undefined, undefined, undefined, {
          message: 'x',
        }),
      );
    const [connect, kit] = await both(unknown);
    assert.deepEqual(kit, connect);
    assert.equal(kit?.code, Code.Unimplemented);
  });

  it('refuses a URL outside the session’s origin, as connect-node does', async () => {
    const elsewhere: Interceptor = (next) => (req) => next({ ...req, url: 'http://127.0.0.2:1/x.Y/Z' });
    const [connect, kit] = await both(
      (transport) => failure(createClient(FixtureService, transport).echo({ message: 'x' })),
      { interceptors: [elsewhere] },
    );
    assert.deepEqual(kit, connect);
    assert.equal(kit?.code, Code.Internal);
  });

  it('keeps one HTTP/2 connection for many calls in flight', async () => {
    const client = createClient(
      FixtureService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${servers.kit.port}` }),
    );
    const sessions = servers.kit.sessionsOpened();
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.echo({ message: `m${i}` })),
    );
    assert.deepEqual(
      replies.map((r) => r.message),
      Array.from({ length: 50 }, (_, i) => `m${i}`),
    );
    assert.equal(servers.kit.sessionsOpened(), sessions + 1);
  });
});
