/**
 * W3C trace context across hops that are not RPCs: into a plain header record (outbox rows, NATS
 * headers) and back out again.
 */
import {
  type Context,
  context,
  propagation,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const recordGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The active trace context as headers (`traceparent`, `tracestate`); empty when nothing is traced. */
export function currentTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier, recordSetter);
  return carrier;
}

/** The context carried by `headers`, as the parent of the next span. */
export function contextFromHeaders(
  headers: Record<string, string>,
  base: Context = context.active(),
): Context {
  return propagation.extract(base, headers, recordGetter);
}
