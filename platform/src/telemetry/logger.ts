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
