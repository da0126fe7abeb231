/**
 * Turns anything an RPC throws into what a person reads: one sentence, plus the sentences that
 * belong under particular form fields when the request broke a field rule.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorInfoSchema } from '@paymesh/proto/paymesh/errors/v1/errors_pb';
import { ViolationsSchema } from '@paymesh/proto/paymesh/validate/v1/validate_pb';
import { messageForReason } from './reason-messages';

export interface DescribedError {
  /** The sentence for the whole form or page. */
  readonly message: string;
  /** Sentences by request field name (as the contract names it, e.g. "display_name"). */
  readonly fields: Readonly<Record<string, string>>;
  /** The stable reason, when the answer carried one. */
  readonly reason?: string;
  readonly code?: Code;
}

export function describeError(err: unknown): DescribedError {
  if (!(err instanceof ConnectError)) {
    return { message: 'Something went wrong. Please try again.', fields: {} };
  }
  const info = err.findDetails(ErrorInfoSchema)[0];
  const reason = info?.reason;
  const known = reason ? messageForReason(reason) : undefined;
  const base = { code: err.code, fields: {}, ...(reason ? { reason } : {}) };

  if (err.code === Code.ResourceExhausted) {
    // The gateway sends Retry-After; its ErrorInfo says the same for clients that cannot read headers.
    const retryAfter = err.metadata.get('retry-after') ?? info?.metadata.retry_after_seconds ?? null;
    return { ...base, message: tooManyRequests(retryAfter) };
  }
  if (known) return { ...base, message: known };

  switch (err.code) {
    case Code.InvalidArgument: {
      const fields: Record<string, string> = {};
      for (const { violations } of err.findDetails(ViolationsSchema)) {
        for (const v of violations) {
          const field = v.field.split('.')[0] ?? v.field;
          fields[field] ??= sentence(v.description);
        }
      }
      return {
        ...base,
        fields,
        message:
          Object.keys(fields).length > 0
            ? 'Please correct the highlighted fields.'
            : 'Some of the details are not valid. Please check them.',
      };
    }
    case Code.Unauthenticated:
      return { ...base, message: 'Your session has ended. Please sign in again.' };
    case Code.PermissionDenied:
      return { ...base, message: 'You are not allowed to do this.' };
    case Code.NotFound:
      return { ...base, message: 'We could not find what you asked for.' };
    case Code.AlreadyExists:
      return { ...base, message: 'This already exists.' };
    case Code.Unavailable:
      return { ...base, message: 'The service is unavailable. Please try again.' };
    case Code.DeadlineExceeded:
      return { ...base, message: 'The service took too long to answer. Please try again.' };
    case Code.Canceled:
      return { ...base, message: 'The request was cancelled.' };
    case Code.FailedPrecondition:
      return { ...base, message: 'This cannot be done right now.' };
    default:
      return { ...base, message: 'Something went wrong on our side. Please try again.' };
  }
}

/** "too many requests, try again in N s", N from the Retry-After header (seconds or an HTTP date). */
export function tooManyRequests(retryAfter: string | null, now: Date = new Date()): string {
  const seconds = retryAfterSeconds(retryAfter, now);
  return seconds === undefined
    ? 'Too many requests. Please try again in a moment.'
    : `Too many requests. Please try again in ${seconds} s.`;
}

function retryAfterSeconds(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}

/** "must be at most 64 characters" → "Must be at most 64 characters." */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'This value is not valid.';
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
