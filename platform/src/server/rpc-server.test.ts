import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import {
  type ConnectNodeAdapterOptions,
  connectNodeAdapter,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Health, HealthCheckResponse_ServingStatus } from '@paymesh/proto/grpc/health/v1/health_pb';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { violationsOf } from '../errors/domain-error.js';
import { captureLogger } from './capture-logger.js';
import { createRpcServer, type RpcServer } from './rpc-server.js';

const protoDir = join(import.meta.dirname, '../../../proto');
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('createRpcServer', () => {
  const { logger, lines } = captureLogger();
  let server: RpcServer;
  let baseUrl: string;

  before(async () => {
    server = createRpcServer({
      logger,
      readMaxBytes: 64 * 1024,
      routes: (router) =>
        router.service(FixtureService, {
          echo(req) {
            if (req.message === 'explode') throw new Error('relation "entries" does not exist');
            return { message: req.message };
          },
        }),
    });
    await server.start();
    server.readiness.markServing();
    baseUrl = `http://127.0.0.1:${server.port}`;
  });

  after(() => server.stop());

  const echoOver = (transport: Transport, message = 'hello') =>
    createClient(FixtureService, transport).echo({ message });

  it('answers a @grpc/grpc-js client built from the .proto files (gRPC over HTTP/2)', async () => {
    const definition = loadSync(['paymesh/fixture/v1/fixture.proto', 'grpc/health/v1/health.proto'], {
      includeDirs: [protoDir],
      enums: String,
    });
    const fixture = definition['paymesh.fixture.v1.FixtureService'] as grpc.ServiceDefinition;
    const health = definition['grpc.health.v1.Health'] as grpc.ServiceDefinition;
    const client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const call = <Res>(method: grpc.MethodDefinition<object, Res>, request: object) =>
      new Promise<Res>((resolve, reject) =>
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          (err: grpc.ServiceError | null, res?: Res) => (err ? reject(err) : resolve(res as Res)),
        ),
      );
    try {
      assert.deepEqual(await call(fixture.Echo as grpc.MethodDefinition<object, object>, { message: 'hi' }), {
        message: 'hi',
      });
      assert.deepEqual(await call(health.Check as grpc.MethodDefinition<object, object>, { service: '' }), {
        status: 'SERVING',
      });
      await assert.rejects(
        call(fixture.Echo as grpc.MethodDefinition<object, object>, { message: 'x'.repeat(1025) }),
        {
          code: grpc.status.INVALID_ARGUMENT,
        },
      );
    } finally {
      client.close();
    }
  });

  it('answers Connect and gRPC clients over HTTP/2 on the same port', async () => {
    const grpcOverH2 = createGrpcTransport({ baseUrl });
    const connectOverH2 = createConnectTransport({ baseUrl, httpVersion: '2' });
    assert.equal((await echoOver(grpcOverH2, 'via grpc')).message, 'via grpc');
    assert.equal((await echoOver(connectOverH2, 'via connect')).message, 'via connect');
    const health = await createClient(Health, grpcOverH2).check({});
    assert.equal(health.status, HealthCheckResponse_ServingStatus.SERVING);
  });

  it('answers gRPC-Web over HTTP/1.1 on the same port', async () => {
    const grpcWeb = createGrpcWebTransport({ baseUrl, httpVersion: '1.1' });
    assert.equal((await echoOver(grpcWeb, 'via grpc-web')).message, 'via grpc-web');
  });

  it('answers a plain fetch POST of Connect JSON over HTTP/1.1', async () => {
    const res = await fetch(`${baseUrl}/paymesh.fixture.v1.FixtureService/Echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'via curl' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { message: 'via curl' });
    const version = await new Promise<string>((resolve, reject) =>
      http
        .request(`${baseUrl}/paymesh.fixture.v1.FixtureService/Echo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        })
        .on('response', (r) => {
          r.resume();
          resolve(r.httpVersion);
        })
        .on('error', reject)
        .end('{}'),
    );
    assert.equal(version, '1.1');
  });

  it('refuses a request larger than readMaxBytes with RESOURCE_EXHAUSTED and keeps serving', async () => {
    const big = 'x'.repeat(100 * 1024);
    for (const transport of [
      createGrpcTransport({ baseUrl }),
      createConnectTransport({ baseUrl, httpVersion: '2' }),
      createConnectTransport({ baseUrl, httpVersion: '1.1' }),
    ]) {
      await assert.rejects(echoOver(transport, big), (err: unknown) => {
        assert.equal(ConnectError.from(err).code, Code.ResourceExhausted);
        return true;
      });
      assert.equal((await echoOver(transport, 'still here')).message, 'still here');
    }
  });

  it('validates requests: INVALID_ARGUMENT naming the field, before the handler', async () => {
    const transport = createConnectTransport({ baseUrl, httpVersion: '1.1' });
    await assert.rejects(echoOver(transport, 'x'.repeat(1025)), (err: unknown) => {
      const error = ConnectError.from(err);
      assert.equal(error.code, Code.InvalidArgument);
      assert.deepEqual(
        violationsOf(error).map((v) => [v.field, v.rule]),
        [['message', 'string.max_len']],
      );
      return true;
    });
  });

  it('answers a raw handler error with INTERNAL "internal error" and logs the cause with the trace id', async () => {
    const res = await fetch(`${baseUrl}/paymesh.fixture.v1.FixtureService/Echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ message: 'explode' }),
    });
    assert.equal(res.status, 500);
    const body = await res.text();
    assert.deepEqual(JSON.parse(body), { code: 'internal', message: 'internal error' });
    assert.doesNotMatch(body, /entries|\.ts:|at /);

    const grpcCall = echoOver(createGrpcTransport({ baseUrl }), 'explode');
    await assert.rejects(grpcCall, (err: unknown) => {
      const error = ConnectError.from(err);
      assert.equal(error.code, Code.Internal);
      assert.equal(error.rawMessage, 'internal error');
      return true;
    });

    const logged = lines.find((l) => l.msg === 'rpc failed with an internal error' && l.trace_id === traceId);
    assert.ok(logged, 'the cause is logged with the trace id');
    assert.equal(logged.rpc, 'paymesh.fixture.v1.FixtureService/Echo');
    assert.match(String((logged.err as { stack?: string }).stack), /relation "entries" does not exist/);
  });

  it('answers unknown procedures with NOT_FOUND / UNIMPLEMENTED and keeps serving', async () => {
    const res = await fetch(`${baseUrl}/paymesh.fixture.v1.FixtureService/Nope`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(res.status, 404);
    const client = createClient(FixtureService, createGrpcTransport({ baseUrl }));
    await assert.rejects(client.getTally({ accountId: 'a' }), (err: unknown) => {
      assert.equal(ConnectError.from(err).code, Code.Unimplemented);
      return true;
    });
  });

  it('stops without cancelling anything once every call is answered, early errors included', async () => {
    await server.stop();
    assert.equal(server.inFlight, 0);
    assert.ok(lines.some((l) => l.msg === 'rpc server stopped'));
    assert.ok(!lines.some((l) => String(l.msg).startsWith('grace period over')));
  });
});

describe('createRpcServer with another request handler', () => {
  it('builds the handler it is given from the same routes, limits and interceptors', async () => {
    const seen: ConnectNodeAdapterOptions[] = [];
    const server = createRpcServer({
      logger: captureLogger().logger,
      readMaxBytes: 1024,
      routes: (router) => router.service(FixtureService, { echo: (req) => ({ message: req.message }) }),
      requestHandler: (options) => {
        seen.push(options);
        return connectNodeAdapter(options);
      },
    });
    await server.start();
    try {
      const client = createClient(
        FixtureService,
        createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }),
      );
      assert.equal((await client.echo({ message: 'via plug' })).message, 'via plug');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.readMaxBytes, 1024);
      assert.equal(seen[0]?.interceptors?.length, 2, 'the error and validation interceptors');
    } finally {
      await server.stop();
    }
  });
});
