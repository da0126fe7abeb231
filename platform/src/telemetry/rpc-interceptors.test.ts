import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Code, ConnectError, type ConnectRouter, createClient } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { type SpanContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { Health, HealthCheckResponse_ServingStatus } from '@paymesh/proto/grpc/health/v1/health_pb';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createLogger } from './logger.js';
import { metricsRegistry } from './metrics.js';
import { rpcClientTelemetry, rpcServerTelemetry } from './rpc-interceptors.js';
import { initTelemetry } from './tracing.js';

const exporter = new InMemorySpanExporter();
const telemetry = initTelemetry({ service: 'fixture', exporter });

const SECRET = '4111111111111111';
const logLines: string[] = [];
const logger = createLogger('fixture', 'info', { write: (line: string) => void logLines.push(line) });

/** What the handlers saw, for the assertions. */
const seen: { echo?: SpanContext; watch?: SpanContext } = {};
let releaseWatch: () => void = () => {};

function routes(router: ConnectRouter): void {
  router.service(FixtureService, {
    echo(req) {
      seen.echo = trace.getActiveSpan()?.spanContext();
      logger.info({ event: 'echoed' }, 'echo answered');
      return { message: req.message };
    },
    getTally() {
      throw new ConnectError('no tally for this account', Code.NotFound);
    },
    recordEntry() {
      throw new Error(`duplicate key (card_number)=(${SECRET})`);
    },
  });
  router.service(Health, {
    check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }),
    async *watch() {
      yield { status: HealthCheckResponse_ServingStatus.SERVING };
      await new Promise<void>((resolve) => {
        releaseWatch = resolve;
      });
      seen.watch = trace.getActiveSpan()?.spanContext();
      yield { status: HealthCheckResponse_ServingStatus.NOT_SERVING };
    },
  });
}

const server = http2.createServer(
  connectNodeAdapter({ routes, interceptors: [rpcServerTelemetry()], readMaxBytes: 1 << 20 }),
);
let sessions: Http2SessionManager;
let fixture: ReturnType<typeof createClient<typeof FixtureService>>;
let health: ReturnType<typeof createClient<typeof Health>>;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sessions = new Http2SessionManager(baseUrl);
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager: sessions,
    interceptors: [rpcClientTelemetry({ upstream: 'fixture' })],
  });
  fixture = createClient(FixtureService, transport);
  health = createClient(Health, transport);
});

after(async () => {
  sessions.abort();
  await new Promise((resolve) => server.close(resolve));
  await telemetry.shutdown();
});

beforeEach(() => {
  exporter.reset();
  logLines.length = 0;
});

async function finishedSpans(): Promise<ReadableSpan[]> {
  await telemetry.forceFlush();
  return exporter.getFinishedSpans();
}

function only(spans: ReadableSpan[], name: string, kind: SpanKind): ReadableSpan {
  const found = spans.filter((s) => s.name === name && s.kind === kind);
  assert.equal(found.length, 1, `one ${SpanKind[kind]} span named ${name}, got ${found.length}`);
  return found[0] as ReadableSpan;
}

describe('RPC telemetry', () => {
  it('joins caller, client and server spans in one trace, each the parent of the next', async () => {
    await trace.getTracer('test').startActiveSpan('caller', async (span) => {
      await fixture.echo({ message: 'hello' });
      span.end();
    });

    const spans = await finishedSpans();
    const caller = only(spans, 'caller', SpanKind.INTERNAL);
    const client = only(spans, 'paymesh.fixture.v1.FixtureService/Echo', SpanKind.CLIENT);
    const server = only(spans, 'paymesh.fixture.v1.FixtureService/Echo', SpanKind.SERVER);
    assert.equal(client.spanContext().traceId, caller.spanContext().traceId);
    assert.equal(server.spanContext().traceId, caller.spanContext().traceId);
    assert.equal(client.parentSpanContext?.spanId, caller.spanContext().spanId);
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(server.parentSpanContext?.isRemote, true);
    assert.equal(server.attributes['rpc.system.name'], 'connectrpc');
    assert.equal(server.attributes['rpc.method'], 'paymesh.fixture.v1.FixtureService/Echo');
    assert.equal(client.attributes['server.address'], '127.0.0.1');
    assert.equal(server.status.code, SpanStatusCode.UNSET);
    assert.equal(client.status.code, SpanStatusCode.UNSET);
  });

  it('runs the handler inside the server span, so its log lines carry the trace id', async () => {
    await fixture.echo({ message: 'hello' });

    const server = only(await finishedSpans(), 'paymesh.fixture.v1.FixtureService/Echo', SpanKind.SERVER);
    assert.equal(seen.echo?.spanId, server.spanContext().spanId);
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.event === 'echoed');
    assert.equal(line?.trace_id, server.spanContext().traceId);
    assert.equal(line?.span_id, server.spanContext().spanId);
  });

  it('counts a not_found answer by its code on both sides and fails the client span only', async () => {
    await assert.rejects(fixture.getTally({ accountId: 'acc-1' }), { code: Code.NotFound });

    const spans = await finishedSpans();
    const client = only(spans, 'paymesh.fixture.v1.FixtureService/GetTally', SpanKind.CLIENT);
    const server = only(spans, 'paymesh.fixture.v1.FixtureService/GetTally', SpanKind.SERVER);
    assert.equal(client.status.code, SpanStatusCode.ERROR);
    assert.equal(client.status.message, 'no tally for this account');
    assert.equal(client.attributes['rpc.status_code'], 'not_found');
    // The caller asked for something that is not there: not a failure of the server.
    assert.equal(server.status.code, SpanStatusCode.UNSET);
    assert.equal(server.attributes['rpc.status_code'], 'not_found');
    assert.equal(server.attributes['error.type'], 'not_found');

    const metrics = await metricsRegistry.metrics();
    const server_ = 'service="paymesh.fixture.v1.FixtureService",method="GetTally",code="not_found"';
    const client_ = 'upstream="fixture",method="GetTally",code="not_found"';
    assert.match(metrics, new RegExp(`^rpc_server_requests_total\\{${server_}\\} 1$`, 'm'));
    assert.match(metrics, new RegExp(`^rpc_server_duration_seconds_count\\{${server_}\\} 1$`, 'm'));
    assert.match(metrics, new RegExp(`^rpc_client_requests_total\\{${client_}\\} 1$`, 'm'));
    assert.match(metrics, new RegExp(`^rpc_client_duration_seconds_count\\{${client_}\\} 1$`, 'm'));
  });

  it('fails the server span on an unexpected error without putting its text on the span', async () => {
    await assert.rejects(fixture.recordEntry({}), { code: Code.Internal });

    const spans = await finishedSpans();
    const server = only(spans, 'paymesh.fixture.v1.FixtureService/RecordEntry', SpanKind.SERVER);
    assert.equal(server.status.code, SpanStatusCode.ERROR);
    assert.equal(server.attributes['rpc.status_code'], 'internal');
    const exception = server.events.find((e) => e.name === 'exception');
    assert.equal(exception?.attributes?.['exception.type'], 'Error');
    assert.doesNotMatch(
      JSON.stringify(spans.map((s) => [s.status, s.attributes, s.events])),
      new RegExp(SECRET),
    );
    assert.match(
      await metricsRegistry.metrics(),
      /^rpc_server_requests_total\{service="paymesh.fixture.v1.FixtureService",method="RecordEntry",code="internal"\} 1$/m,
    );
  });

  it('ends server-streaming spans only when the stream ends, with the generator inside the span', async () => {
    const stream = health.watch({})[Symbol.asyncIterator]();
    assert.equal((await stream.next()).value?.status, HealthCheckResponse_ServingStatus.SERVING);

    const midway = await finishedSpans();
    assert.equal(midway.filter((s) => s.name === 'grpc.health.v1.Health/Watch').length, 0);

    releaseWatch();
    assert.equal((await stream.next()).value?.status, HealthCheckResponse_ServingStatus.NOT_SERVING);
    assert.equal((await stream.next()).done, true);

    const spans = await finishedSpans();
    const server = only(spans, 'grpc.health.v1.Health/Watch', SpanKind.SERVER);
    const client = only(spans, 'grpc.health.v1.Health/Watch', SpanKind.CLIENT);
    assert.equal(seen.watch?.spanId, server.spanContext().spanId);
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(server.status.code, SpanStatusCode.UNSET);
    assert.match(
      await metricsRegistry.metrics(),
      /^rpc_server_requests_total\{service="grpc.health.v1.Health",method="Watch",code="ok"\} 1$/m,
    );
  });
});
