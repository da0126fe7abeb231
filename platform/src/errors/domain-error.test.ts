import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { DomainError, invalidArgument, toConnectError, violationsOf } from './domain-error.js';

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
});
