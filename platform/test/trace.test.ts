/**
 * One trace follows a request through every hop of the kit: client → server → outbox row → relay
 * publish on NATS → consumer applying it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import { rpcClientTelemetry } from '@paymesh/platform/telemetry/rpc-interceptors';
import { createTestServiceEnv, type TestServiceEnv } from '@paymesh/platform/testing/service-env';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { fixture } from '../fixture/src/service.js';

const exporter = new InMemorySpanExporter();
let testEnv: TestServiceEnv;
let service: Awaited<ReturnType<typeof fixture.start>>;

before(async () => {
  testEnv = await createTestServiceEnv({ service: 'fixture', contexts: ['fixture'] });
  service = await fixture.start({ source: testEnv.env, telemetry: { exporter } });
});

after(async () => {
  await service?.stop();
  await testEnv?.cleanup();
});

it('one trace id spans client, server, outbox, NATS publish and the consumer', async () => {
  const client = createServiceClient(FixtureService, {
    upstream: 'fixture-trace-test',
    baseUrl: `http://127.0.0.1:${service.rpcPort}`,
    interceptors: [rpcClientTelemetry({ upstream: 'fixture' })],
  });
  const caller = trace.getTracer('test').startSpan('test caller');
  await context.with(trace.setSpan(context.active(), caller), () =>
    client.recordEntry({ entryId: randomUUID(), accountId: 'acc-trace', amount: 42n, currency: 'EUR' }),
  );
  caller.end();
  const traceId = caller.spanContext().traceId;

  await waitFor('the consumer applied the entry', async () => {
    const tally = await client.getTally({ accountId: 'acc-trace' });
    return tally.appliedCount === 1n;
  });
  await waitFor('the consume span ended', () =>
    exporter
      .getFinishedSpans()
      .some((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === traceId),
  );

  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const find = (kind: SpanKind, name: RegExp) => {
    const span = spans.find((s) => s.kind === kind && name.test(s.name));
    assert.ok(span, `no ${SpanKind[kind]} span matching ${name} in ${spans.map((s) => s.name).join(', ')}`);
    return span;
  };
  const client_ = find(SpanKind.CLIENT, /FixtureService\/RecordEntry/);
  const server = find(SpanKind.SERVER, /FixtureService\/RecordEntry/);
  const publish = find(SpanKind.PRODUCER, /publish/);
  const consume = find(SpanKind.CONSUMER, /process/);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  assert.equal(parentOf(client_), caller.spanContext().spanId);
  assert.equal(parentOf(server), client_.spanContext().spanId);
  assert.equal(
    parentOf(publish),
    server.spanContext().spanId,
    'the relay continues the trace stored with the row',
  );
  assert.equal(
    parentOf(consume),
    publish.spanContext().spanId,
    'the consumer continues the trace from NATS headers',
  );
});
