/**
 * Structured logs: pino JSON, one event per line, stamped with the active trace and span ids.
 * Never log secrets, tokens, passwords, card numbers or whole request bodies.
 */
import { trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

const SENSITIVE_KEYS = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'secret',
  'cardNumber',
  'card_number',
  'pan',
  'cvv',
];

// A failed query's error carries its parameters (drizzle puts them in the message too) and pg's
// `detail` may quote the failing row: either can hold a password hash, a key or a customer's data.
const QUERY_PARAMS_IN_MESSAGE = /\nparams: [\s\S]*?(?=\n {4}at |$)/;

/** pino's error serializer, without query parameters and row details, down the `cause` chain. */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  return withoutQueryData(serialized);
}

function withoutQueryData(value: Record<string, unknown>): Record<string, unknown> {
  const { params: _params, detail: _detail, ...rest } = value;
  for (const key of ['message', 'stack'] as const) {
    if (typeof rest[key] === 'string')
      rest[key] = rest[key].replace(QUERY_PARAMS_IN_MESSAGE, '\nparams: [redacted]');
  }
  if (rest.cause && typeof rest.cause === 'object')
    rest.cause = withoutQueryData(rest.cause as Record<string, unknown>);
  return rest;
}

/** The root logger of a service; lines go to stdout unless a `destination` is given (tests capture it). */
export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError },
    redact: {
      // A safety net only: code must not log these in the first place.
      paths: SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`]),
      censor: '[redacted]',
    },
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
    },
  };
  return pino(options, destination);
}
