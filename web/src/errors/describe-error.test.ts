import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorInfoSchema } from '@paymesh/proto/paymesh/errors/v1/errors_pb';
import { ViolationsSchema } from '@paymesh/proto/paymesh/validate/v1/validate_pb';
import { describeError, tooManyRequests } from './describe-error';
import { knownReasons, messageForReason, transferFailureMessage } from './reason-messages';

const domainError = (code: Code, reason: string, headers?: HeadersInit) =>
  new ConnectError('raw server text', code, headers ? new Headers(headers) : undefined, [
    { desc: ErrorInfoSchema, value: { reason, domain: 'accounts' } },
  ]);

describe('describeError', () => {
  it('answers the sentence of the ErrorInfo reason, not the server’s raw message', () => {
    const described = describeError(domainError(Code.FailedPrecondition, 'INSUFFICIENT_FUNDS'));
    assert.equal(described.reason, 'INSUFFICIENT_FUNDS');
    assert.match(described.message, /^Insufficient funds/);
    assert.doesNotMatch(described.message, /raw server text/);
  });

  it('puts each field violation under its field, capitalised, keeping the first per field', () => {
    const err = new ConnectError('invalid', Code.InvalidArgument, undefined, [
      {
        desc: ViolationsSchema,
        value: {
          violations: [
            { field: 'password', rule: 'string.min_len', description: 'must be at least 12 characters' },
            { field: 'password', rule: 'required', description: 'is required' },
            { field: 'email', rule: 'string.format', description: 'must be an e-mail address.' },
          ],
        },
      },
    ]);
    const described = describeError(err);
    assert.deepEqual(described.fields, {
      password: 'Must be at least 12 characters.',
      email: 'Must be an e-mail address.',
    });
    assert.equal(described.message, 'Please correct the highlighted fields.');
  });

  it('says how long to wait when rate limited, from Retry-After', () => {
    const described = describeError(
      domainError(Code.ResourceExhausted, 'RATE_LIMITED', { 'retry-after': '7' }),
    );
    assert.equal(described.message, 'Too many requests. Please try again in 7 s.');
  });

  it('falls back to the retry_after_seconds the gateway puts in ErrorInfo when no header is readable', () => {
    const err = new ConnectError('too many', Code.ResourceExhausted, undefined, [
      { desc: ErrorInfoSchema, value: { reason: 'RATE_LIMITED', metadata: { retry_after_seconds: '4' } } },
    ]);
    assert.equal(describeError(err).message, 'Too many requests. Please try again in 4 s.');
  });

  it('maps UNAVAILABLE and UNAUTHENTICATED without a reason to a clear sentence', () => {
    assert.equal(
      describeError(new ConnectError('upstream down', Code.Unavailable)).message,
      'The service is unavailable. Please try again.',
    );
    assert.equal(
      describeError(new ConnectError('jwt expired', Code.Unauthenticated)).message,
      'Your session has ended. Please sign in again.',
    );
  });

  it('prefers the reason over the code, so wrong credentials are not "session ended"', () => {
    const described = describeError(domainError(Code.Unauthenticated, 'INVALID_CREDENTIALS'));
    assert.equal(described.message, 'The e-mail address or password is wrong.');
  });

  it('never shows a thrown non-RPC error’s text', () => {
    assert.equal(
      describeError(new TypeError('x is undefined')).message,
      'Something went wrong. Please try again.',
    );
  });
});

describe('tooManyRequests', () => {
  it('reads Retry-After as seconds or as an HTTP date, and copes without it', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(tooManyRequests('30', now), 'Too many requests. Please try again in 30 s.');
    assert.equal(
      tooManyRequests('Thu, 01 Jan 2026 00:00:12 GMT', now),
      'Too many requests. Please try again in 12 s.',
    );
    assert.equal(tooManyRequests(null, now), 'Too many requests. Please try again in a moment.');
  });
});

describe('reason messages', () => {
  it('cover every failure reason a transfer can end with', () => {
    for (const reason of [
      'INSUFFICIENT_FUNDS',
      'ACCOUNT_FROZEN',
      'RISK_DENIED',
      'QUOTE_EXPIRED',
      'DESTINATION_NOT_FOUND',
      'ACCOUNT_NOT_FOUND',
      'CURRENCY_MISMATCH',
      'RATE_UNAVAILABLE',
      'HOLD_EXPIRED',
    ]) {
      assert.ok(knownReasons.includes(reason), `${reason} has no message`);
    }
  });

  it('are whole sentences', () => {
    for (const reason of knownReasons) assert.match(messageForReason(reason) ?? '', /^[A-Z].*[.]$/, reason);
  });

  it('fall back to the service’s own sentence for a reason not in the table', () => {
    assert.equal(
      transferFailureMessage('SOMETHING_NEW', 'the ledger said no.'),
      'The transfer could not be completed: the ledger said no.',
    );
    assert.equal(
      transferFailureMessage('SOMETHING_NEW'),
      'The transfer could not be completed. No money moved.',
    );
  });
});
