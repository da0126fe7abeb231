import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  DomainError,
  domainFailure,
  errorInfoOf,
  invalidArgument,
  reasonOf,
  toConnectError,
  violationsOf,
} from './domain-error.js';

describe('toConnectError', () => {
  it('keeps a domain error code, message and field violations', () => {
    const { error, internal } = toConnectError(
      invalidArgument([{ field: 'amount', rule: 'int.gt', description: 'must be greater than 0' }]),
    );
    assert.equal(internal, false);
    assert.equal(error.code, Code.InvalidArgument);
    assert.deepEqual(
      violationsOf(error).map((v) => [v.field, v.rule]),
      [['amount', 'int.gt']],
    );
  });

  it('hides an unexpected error behind INTERNAL and keeps it as the cause', () => {
    const cause = new Error('relation "secrets" does not exist');
    const { error, internal } = toConnectError(cause);
    assert.equal(internal, true);
    assert.equal(error.code, Code.Internal);
    assert.equal(error.rawMessage, 'internal error');
    assert.equal(error.cause, cause);
  });

  it('passes Connect errors through but masks an upstream INTERNAL', () => {
    assert.equal(
      toConnectError(new ConnectError('slow', Code.DeadlineExceeded)).error.code,
      Code.DeadlineExceeded,
    );
    const masked = toConnectError(new ConnectError('stack trace here', Code.Internal));
    assert.equal(masked.error.rawMessage, 'internal error');
    assert.equal(
      toConnectError(new DomainError(Code.NotFound, 'no such account')).error.rawMessage,
      'no such account',
    );
  });

  it('carries a stable reason with its metadata as an ErrorInfo detail', () => {
    const failure = domainFailure(
      Code.FailedPrecondition,
      { reason: 'INSUFFICIENT_FUNDS', domain: 'accounts', metadata: { available: '1200' } },
      'insufficient funds',
    );
    const { error } = toConnectError(failure);
    assert.equal(error.code, Code.FailedPrecondition);
    assert.equal(reasonOf(error), 'INSUFFICIENT_FUNDS');
    assert.deepEqual(errorInfoOf(error)?.metadata, { available: '1200' });
    assert.equal(errorInfoOf(error)?.domain, 'accounts');
    assert.equal(reasonOf(new Error('plain')), undefined);
  });
});
