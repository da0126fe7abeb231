/**
 * What a failed delivery means for the message: `permanent` (it can never apply: dead-letter now),
 * `transient` (the database or the network is away: retry, never dead-letter, an outage is waited
 * out) or `failed` (the handler threw: retry, dead-letter after the last allowed delivery).
 */
import { PgErrorCode, pgErrorCode } from '../db/database.js';

export type FailureKind = 'permanent' | 'transient' | 'failed';

/** Thrown (by the consumer, or by a handler) for a message that no retry can ever apply. */
export class UnprocessableEventError extends Error {
  override readonly name = 'UnprocessableEventError';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
// pg and pg-pool report a lost or unobtainable connection with these messages and no SQLSTATE.
const CONNECTION_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection refused|terminating connection/i;

export function classifyFailure(err: unknown): FailureKind {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof UnprocessableEventError) return 'permanent';
  }
  const sqlState = pgErrorCode(err);
  if (sqlState !== undefined) return isTransientSqlState(sqlState) ? 'transient' : 'failed';
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'transient';
    if (CONNECTION_MESSAGES.test(e.message)) return 'transient';
  }
  return 'failed';
}

function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('53') || // insufficient resources (too many connections...)
    code === '57P01' || // admin shutdown
    code === '57P02' || // crash shutdown
    code === '57P03' || // cannot connect now
    code === PgErrorCode.serializationFailure ||
    code === PgErrorCode.deadlockDetected
  );
}

/** A one-line reason for logs and dead-letter headers (headers cannot hold line breaks). */
export function describeFailure(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
  return `${text}${cause}`.replace(/[\r\n]+/g, ' ').slice(0, 1_000);
}
