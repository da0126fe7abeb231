import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { Health, HealthCheckResponse_ServingStatus as Status } from '@paymesh/proto/grpc/health/v1/health_pb';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { captureLogger } from './capture-logger.js';
import type { Component } from './lifecycle.js';
import { createRpcServer } from './rpc-server.js';
import { startService } from './run-service.js';

const env = {
  SERVICE_NAME: 'fixture',
  PORT: '0',
  ADMIN_PORT: '0',
  DATABASE_URL: 'postgres://fixture@127.0.0.1:5432/fixture',
  NATS_URL: 'nats://127.0.0.1:4222',
  SHUTDOWN_GRACE_MS: '60000',
};

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown', () => {
  it('finishes 50 in-flight calls, refuses new connections, then stops components in reverse order', async () => {
    const events: string[] = [];
    const gate = deferred();
    const allEntered = deferred();
    let entered = 0;
    let answered = 0;
    const component = (name: string): Component => ({
      name,
      start: () => void events.push(`start ${name}`),
      stop: () => void events.push(`stop ${name}`),
    });

    const service = await startService({
      source: env,
      logger: captureLogger().logger,
      components: [() => component('telemetry')],
      async setup({ lifecycle }) {
        await lifecycle.use(component('database'));
        await lifecycle.use(component('bus'));
        lifecycle.add(component('relay'));
        lifecycle.add({
          name: 'consumers',
          start: () => void events.push('start consumers'),
          stop: () => void events.push(`stop consumers after ${answered} answered calls`),
        });
        return {
          routes: (router) =>
            router.service(FixtureService, {
              async echo(req) {
                if (++entered === 50) allEntered.resolve();
                await gate.promise;
                answered++;
                return { message: req.message };
              },
            }),
        };
      },
    });

    const baseUrl = `http://127.0.0.1:${service.rpcPort}`;
    const grpcH2 = createClient(FixtureService, createGrpcTransport({ baseUrl }));
    const connectH1 = createClient(FixtureService, createConnectTransport({ baseUrl, httpVersion: '1.1' }));
    const grpcWebH1 = createClient(FixtureService, createGrpcWebTransport({ baseUrl, httpVersion: '1.1' }));
    const calls = Array.from({ length: 50 }, (_, i) => {
      const client = i % 5 < 2 ? grpcH2 : i % 5 < 4 ? connectH1 : grpcWebH1;
      return client.echo({ message: `call ${i}` });
    });

    const watch = createClient(Health, createGrpcTransport({ baseUrl })).watch({})[Symbol.asyncIterator]();
    assert.equal((await watch.next()).value?.status, Status.SERVING);
    await allEntered.promise;

    const stopping = service.stop();
    const seen: Status[] = [];
    for (let r = await watch.next(); !r.done; r = await watch.next()) seen.push(r.value.status);
    assert.deepEqual(seen, [Status.NOT_SERVING], 'the open Watch hears NOT_SERVING, then ends');
    assert.ok(await connectionRefused(service.rpcPort), 'a new connection is refused while draining');
    assert.equal(answered, 0);

    gate.resolve();
    const replies = await Promise.all(calls);
    assert.deepEqual(
      replies.map((r) => r.message),
      calls.map((_, i) => `call ${i}`),
    );
    await stopping;
    assert.deepEqual(events, [
      'start telemetry',
      'start database',
      'start bus',
      'start relay',
      'start consumers',
      'stop consumers after 50 answered calls',
      'stop relay',
      'stop bus',
      'stop database',
      'stop telemetry',
    ]);
  });

  it('cancels calls still running when the grace period ends: UNAVAILABLE, or cut off if deaf to it', async () => {
    const { logger, lines } = captureLogger();
    const bothEntered = deferred();
    let entered = 0;
    const server = createRpcServer({
      logger,
      shutdownGraceMs: 50,
      routes: (router) =>
        router.service(FixtureService, {
          async echo(req, context) {
            if (++entered === 2) bothEntered.resolve();
            if (req.message === 'deaf') return new Promise<never>(() => {});
            return new Promise<never>((_, reject) =>
              context.signal.addEventListener('abort', () => reject(context.signal.reason)),
            );
          },
        }),
    });
    await server.start();
    const client = createClient(
      FixtureService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }),
    );
    const failure = (message: string) =>
      client.echo({ message }).then(
        () => assert.fail('the call should not succeed'),
        (err: unknown) => ConnectError.from(err),
      );
    const listening = failure('listens');
    const deaf = failure('deaf');
    await bothEntered.promise;
    await server.stop();

    const cancelled = await listening;
    assert.equal(cancelled.code, Code.Unavailable);
    assert.equal(cancelled.rawMessage, 'server is shutting down');
    assert.ok((await deaf) instanceof ConnectError);
    assert.ok(lines.some((l) => l.msg === 'grace period over: cancelling the calls still running'));
  });

  it('does not wait the grace period for a client that never closes its side of an idle connection', async () => {
    const { logger, lines } = captureLogger();
    const server = createRpcServer({ logger, routes: () => {} });
    await server.start();
    // allowHalfOpen: the server's FIN does not make this client close its side.
    const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    const emptySettings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), emptySettings]));
    await new Promise((resolve) => socket.once('data', resolve));
    socket.on('error', () => {});
    socket.resume();

    await server.stop();
    socket.destroy();
    assert.ok(lines.some((l) => l.msg === 'rpc server stopped'));
    assert.ok(!lines.some((l) => String(l.msg).startsWith('grace period over')));
  });
});
