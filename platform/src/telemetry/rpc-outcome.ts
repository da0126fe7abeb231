/**
 * How an RPC ended, as telemetry names it: the Connect code of the error the caller sees (`ok`
 * when there is none), and whether that code is the server's fault.
 */
import { Code, ConnectError } from '@connectrpc/connect';

/** Index of success in the tables below; Connect codes are 1..16. */
export const OK = 0;

/** Connect code names by code: `ok`, `canceled`, `invalid_argument`, ... */
const CODE_NAMES: readonly string[] = Array.from({ length: 17 }, (_, code) => {
  const name = code === OK ? 'Ok' : Code[code];
  return name === undefined ? String(code) : name.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();
});

/** The snake_case name of a Connect code (`not_found`), or `ok` for OK. */
export function codeName(code: number): string {
  return CODE_NAMES[code] ?? String(code);
}

// OpenTelemetry's RPC conventions mark a server span as failed only for these; the rest are the caller's.
const SERVER_FAULTS = new Set<number>([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);

export function isServerFault(code: number): boolean {
  return SERVER_FAULTS.has(code);
}

/** The code a handler's failure reaches the caller with: Connect answers anything else with INTERNAL. */
export function serverCodeOf(err: unknown): Code {
  return err instanceof ConnectError ? err.code : Code.Internal;
}

/** The code a client call failed with, as the Connect client reports it. */
export function clientCodeOf(err: unknown): Code {
  if (err instanceof ConnectError) return err.code;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError'))
    return Code.Canceled;
  return Code.Unknown;
}

/**
 * A message safe to put on a span: a ConnectError's own message unless it is INTERNAL or UNKNOWN,
 * whose text is not ours to repeat (the error interceptor masks it for callers too); else the code.
 */
export function publicMessageOf(err: unknown, code: number): string {
  return err instanceof ConnectError && err.code !== Code.Internal && err.code !== Code.Unknown
    ? err.rawMessage
    : codeName(code);
}

/** The class of the innermost cause, e.g. DatabaseError: names the failure without its text. */
export function causeTypeOf(err: unknown): string {
  let inner = err;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return inner instanceof Error ? inner.constructor.name : typeof inner;
}
