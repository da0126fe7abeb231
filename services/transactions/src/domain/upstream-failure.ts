/**
 * How the saga reads an upstream's error: a definitive business answer (the step failed for good,
 * with the upstream's stable reason) or a transient one (the step is retried later, the transfer
 * stays where it is and says so).
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';

export type UpstreamFailure =
  | { kind: 'definitive'; reason: string; message: string }
  | { kind: 'transient'; message: string };

// Answers about the request or the domain: asking again gives the same answer.
const definitiveCodes: ReadonlySet<Code> = new Set([
  Code.FailedPrecondition,
  Code.NotFound,
  Code.InvalidArgument,
  Code.AlreadyExists,
  Code.OutOfRange,
]);

export function classifyUpstreamFailure(err: unknown): UpstreamFailure {
  const error = ConnectError.from(err);
  if (!definitiveCodes.has(error.code)) {
    return { kind: 'transient', message: `${Code[error.code]}: ${error.rawMessage}` };
  }
  return {
    kind: 'definitive',
    reason: reasonOf(error) ?? Code[error.code].replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(),
    message: error.rawMessage,
  };
}
