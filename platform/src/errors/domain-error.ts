/**
 * Errors as values with a Connect code. Domain code throws (or returns) DomainError; the server's
 * error interceptor turns it into a ConnectError for the caller. Anything else becomes INTERNAL with
 * a generic message: its cause goes to the log, never to the caller.
 */
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';

type OutgoingDetail = Extract<ConnectError['details'][number], { desc: unknown }>;

import { type ErrorInfo, ErrorInfoSchema } from '@paymesh/proto/paymesh/errors/v1/errors_pb';
import {
  type FieldViolation,
  FieldViolationSchema,
  ViolationsSchema,
} from '@paymesh/proto/paymesh/validate/v1/validate_pb';

/** One broken rule of a request field, as the caller sees it. */
export interface Violation {
  readonly field: string;
  readonly rule: string;
  readonly description: string;
}

/** A stable, machine-readable reason (an ErrorInfo detail) a caller may act on. */
export interface Reason {
  /** UPPER_SNAKE_CASE, e.g. INSUFFICIENT_FUNDS. */
  readonly reason: string;
  /** The context raising it, e.g. accounts. */
  readonly domain: string;
  /** Facts a caller may show or act on; never secrets. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A failure the domain expects and the caller may act on. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: Code,
    message: string,
    readonly violations: readonly Violation[] = [],
    options?: { cause?: unknown; reason?: Reason },
  ) {
    super(message, options);
    this.reason = options?.reason;
  }
  readonly reason: Reason | undefined;
}

/** A domain error with a stable reason, e.g. `failure(Code.FailedPrecondition, 'INSUFFICIENT_FUNDS', ...)`. */
export function domainFailure(
  code: Code,
  reason: Reason,
  message: string,
  options?: { cause?: unknown },
): DomainError {
  return new DomainError(code, message, [], { ...options, reason });
}

/** INVALID_ARGUMENT naming the fields at fault. */
export function invalidArgument(violations: readonly Violation[]): DomainError {
  const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  return new DomainError(Code.InvalidArgument, `invalid request: ${summary}`, violations);
}

/** The ConnectError a caller sees for `err`; `internal` is true when the cause must be logged. */
export function toConnectError(err: unknown): { error: ConnectError; internal: boolean } {
  if (err instanceof DomainError) {
    const details: OutgoingDetail[] = [];
    if (err.violations.length) {
      details.push({ desc: ViolationsSchema, value: { violations: err.violations.map(toFieldViolation) } });
    }
    if (err.reason) {
      const { reason, domain, metadata = {} } = err.reason;
      details.push({ desc: ErrorInfoSchema, value: { reason, domain, metadata: { ...metadata } } });
    }
    return { error: new ConnectError(err.message, err.code, undefined, details, err), internal: false };
  }
  if (err instanceof ConnectError) {
    // Connect's own errors (deadline, cancel, an upstream's answer) pass through; an upstream's
    // INTERNAL or UNKNOWN is not ours to explain.
    const internal = err.code === Code.Internal || err.code === Code.Unknown;
    const safe = internal
      ? new ConnectError('internal error', Code.Internal, undefined, undefined, err)
      : err;
    return { error: safe, internal };
  }
  return {
    error: new ConnectError('internal error', Code.Internal, undefined, undefined, err),
    internal: true,
  };
}

function toFieldViolation(v: Violation): FieldViolation {
  return create(FieldViolationSchema, v);
}

/** Reads the field violations out of an INVALID_ARGUMENT error (for clients and tests). */
export function violationsOf(err: ConnectError): FieldViolation[] {
  return err.findDetails(ViolationsSchema).flatMap((d) => d.violations);
}

/** The ErrorInfo detail of an error (its stable reason), if it has one. */
export function errorInfoOf(err: ConnectError): ErrorInfo | undefined {
  return err.findDetails(ErrorInfoSchema)[0];
}

/** The stable reason of any error a client got, e.g. INSUFFICIENT_FUNDS; undefined when none. */
export function reasonOf(err: unknown): string | undefined {
  return err instanceof ConnectError ? errorInfoOf(err)?.reason : undefined;
}
