import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { Health, HealthCheckResponse_ServingStatus as Status } from '@paymesh/proto/grpc/health/v1/health_pb';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { captureLogger } from './capture-logger.js';
import { Readiness } from './readiness.js';
import { createRpcServer, type RpcServer } from './rpc-server.js';

const fixture = FixtureService.typeName;

describe('grpc.health.v1.Health', () => {
  let server: RpcServer;
  let check: (service?: string) => Promise<Status>;
  let health: ReturnType<typeof createClient<typeof Health>>;

  before(async () => {
    server = createRpcServer({
      logger: captureLogger().logger,
      // Checks run on every call here, so a test sees a flipped check at once.
      readiness: new Readiness({ resultsTtlMs: 0 }),
      routes: (router) => router.service(FixtureService, { echo: (req) => ({ message: req.message }) }),
    });
    await server.start();
    // A fresh transport per call: each Check opens its own connection, as a probe does.
    check = async (service = '') => {
      const transport = createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` });
      return (await createClient(Health, transport).check({ service })).status;
    };
    health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }));
  });

  after(() => server.stop());

  it('answers NOT_SERVING while starting and SERVING once ready, for the server and each service', async () => {
    assert.equal(await check(), Status.NOT_SERVING);
    assert.equal(await check(fixture), Status.NOT_SERVING);
    server.readiness.markServing();
    assert.equal(await check(), Status.SERVING);
    assert.equal(await check(fixture), Status.SERVING);
  });

  it('answers NOT_FOUND for a service the server does not serve', async () => {
    await assert.rejects(check('paymesh.nope.v1.NopeService'), (err: unknown) => {
      assert.equal(ConnectError.from(err).code, Code.NotFound);
      return true;
    });
  });

  it('takes one named service out of rotation while the server keeps serving', async () => {
    server.readiness.setServiceServing(fixture, false);
    assert.equal(await check(fixture), Status.NOT_SERVING);
    assert.equal(await check(), Status.SERVING);
    server.readiness.setServiceServing(fixture, true);
    assert.equal(await check(fixture), Status.SERVING);
  });

  it('answers NOT_SERVING while a readiness check fails', async () => {
    let databaseUp = false;
    server.readiness.addCheck('database', () => {
      if (!databaseUp) throw new Error('connection refused');
    });
    assert.equal(await check(), Status.NOT_SERVING);
    databaseUp = true;
    assert.equal(await check(), Status.SERVING);
  });

  it('streams each change to a Watch, and SERVICE_UNKNOWN for an unknown service', async () => {
    const done = new AbortController();
    const watch = health.watch({ service: fixture }, { signal: done.signal })[Symbol.asyncIterator]();
    assert.equal((await watch.next()).value?.status, Status.SERVING);
    server.readiness.setServiceServing(fixture, false);
    assert.equal((await watch.next()).value?.status, Status.NOT_SERVING);
    server.readiness.setServiceServing(fixture, true);
    assert.equal((await watch.next()).value?.status, Status.SERVING);

    const unknown = health
      .watch({ service: 'paymesh.nope.v1.NopeService' }, { signal: done.signal })
      [Symbol.asyncIterator]();
    assert.equal((await unknown.next()).value?.status, Status.SERVICE_UNKNOWN);
    done.abort();
  });

  it('answers NOT_SERVING to new connections while draining, before the port closes', async () => {
    server.readiness.markDraining();
    assert.equal(await check(), Status.NOT_SERVING);
    assert.equal(await check(fixture), Status.NOT_SERVING);
  });
});
