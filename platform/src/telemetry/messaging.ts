/**
 * Spans for the event bus: a PRODUCER span when the relay publishes an outbox row (child of the
 * trace stored with the row) and a CONSUMER span when a consumer applies a message (child of the
 * traceparent in its headers). Together with the RPC spans they make one trace from the first
 * client call to the last consumer.
 */
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromHeaders, currentTraceHeaders } from './propagation.js';
import { causeTypeOf } from './rpc-outcome.js';

export const tracer = trace.getTracer('@paymesh/platform');

interface MessageSpan {
  /** The subject published to or consumed from. */
  subject: string;
  /** Trace headers of the message (W3C traceparent/tracestate). */
  traceHeaders: Record<string, string>;
  attributes?: Record<string, string | number>;
}

/**
 * Runs `publish` in a PRODUCER span continuing `traceHeaders`; `publish` receives the headers to
 * put on the message, which name the new span as parent.
 */
export async function withPublishSpan<T>(
  message: MessageSpan,
  publish: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(message.traceHeaders);
  return inSpan(`${message.subject} publish`, SpanKind.PRODUCER, parent, message, (span) =>
    publish(currentTraceHeaders(trace.setSpan(parent, span))),
  );
}

/** Runs `apply` in a CONSUMER span continuing the trace carried by the message. */
export async function withConsumeSpan<T>(message: MessageSpan, apply: () => Promise<T>): Promise<T> {
  return inSpan(
    `${message.subject} process`,
    SpanKind.CONSUMER,
    contextFromHeaders(message.traceHeaders),
    message,
    () => apply(),
  );
}

async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: ReturnType<typeof context.active>,
  message: MessageSpan,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(
    name,
    {
      kind,
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': message.subject,
        ...message.attributes,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    // The error's class only: its text may carry data that must not reach a trace backend.
    span.setAttribute('error.type', causeTypeOf(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: causeTypeOf(err) });
    throw err;
  } finally {
    span.end();
  }
}
