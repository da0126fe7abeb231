import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { type SpanContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { withConsumeSpan, withPublishSpan } from './messaging.js';
import { currentTraceHeaders } from './propagation.js';
import { initTelemetry } from './tracing.js';

const exporter = new InMemorySpanExporter();
const telemetry = initTelemetry({ service: 'fixture', exporter });
const subject = 'paymesh.fixture.acc-1';

after(() => telemetry.shutdown());
beforeEach(() => exporter.reset());

/** The trace headers an outbox row stores: those of the span active when the state change committed. */
function storedTraceHeaders(): { headers: Record<string, string>; origin: SpanContext } {
  return trace.getTracer('test').startActiveSpan('RecordEntry', (span) => {
    const headers = currentTraceHeaders();
    span.end();
    return { headers, origin: span.spanContext() };
  });
}

async function finishedSpan(kind: SpanKind): Promise<ReadableSpan> {
  await telemetry.forceFlush();
  const spans = exporter.getFinishedSpans().filter((s) => s.kind === kind);
  assert.equal(spans.length, 1, `one ${SpanKind[kind]} span`);
  return spans[0] as ReadableSpan;
}

describe('messaging spans', () => {
  it('publishes in a child of the stored trace and hands the broker headers naming that span', async () => {
    const { headers, origin } = storedTraceHeaders();

    const sent = await withPublishSpan({ subject, traceHeaders: headers }, async (h) => h);

    const publish = await finishedSpan(SpanKind.PRODUCER);
    assert.equal(publish.name, `${subject} publish`);
    assert.equal(publish.spanContext().traceId, origin.traceId);
    assert.equal(publish.parentSpanContext?.spanId, origin.spanId);
    assert.equal(publish.attributes['messaging.destination.name'], subject);
    assert.match(
      sent.traceparent ?? '',
      new RegExp(`^00-${origin.traceId}-${publish.spanContext().spanId}-01$`),
    );
  });

  it('consumes in a child of the publish span, in the same trace, with the span active while applying', async () => {
    const { headers, origin } = storedTraceHeaders();
    const sent = await withPublishSpan({ subject, traceHeaders: headers }, async (h) => h);

    let active: SpanContext | undefined;
    await withConsumeSpan({ subject, traceHeaders: sent }, async () => {
      await Promise.resolve();
      active = trace.getActiveSpan()?.spanContext();
    });

    const publish = await finishedSpan(SpanKind.PRODUCER);
    const consume = await finishedSpan(SpanKind.CONSUMER);
    assert.equal(consume.spanContext().traceId, origin.traceId);
    assert.equal(consume.parentSpanContext?.spanId, publish.spanContext().spanId);
    assert.equal(active?.spanId, consume.spanContext().spanId);
  });

  it('marks a consume span whose handler throws as failed and rethrows', async () => {
    const { headers } = storedTraceHeaders();

    await assert.rejects(
      withConsumeSpan({ subject, traceHeaders: headers }, async () => {
        throw new Error('account frozen');
      }),
      /account frozen/,
    );

    assert.equal((await finishedSpan(SpanKind.CONSUMER)).status.code, SpanStatusCode.ERROR);
  });
});
