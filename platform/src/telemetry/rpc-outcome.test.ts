import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { causeTypeOf, codeName, OK, publicMessageOf, serverCodeOf } from './rpc-outcome.js';

describe('RPC outcome', () => {
  it('names every code as the Connect protocol spells it', () => {
    assert.equal(codeName(OK), 'ok');
    assert.equal(codeName(Code.Canceled), 'canceled');
    assert.equal(codeName(Code.NotFound), 'not_found');
    assert.equal(codeName(Code.ResourceExhausted), 'resource_exhausted');
    assert.equal(codeName(Code.Unauthenticated), 'unauthenticated');
  });

  it('reports an unexpected handler error as internal, as Connect answers it', () => {
    assert.equal(serverCodeOf(new TypeError('x is undefined')), Code.Internal);
    assert.equal(serverCodeOf(new ConnectError('gone', Code.NotFound)), Code.NotFound);
  });

  it('keeps a caller-facing message but never the text of an internal failure', () => {
    assert.equal(
      publicMessageOf(new ConnectError('no such account', Code.NotFound), Code.NotFound),
      'no such account',
    );
    const leaked = new ConnectError('password=hunter2', Code.Internal);
    assert.equal(publicMessageOf(leaked, Code.Internal), 'internal');
    assert.equal(publicMessageOf(new Error('password=hunter2'), Code.Internal), 'internal');
  });

  it('names the innermost cause of a wrapped failure by its class', () => {
    class DatabaseError extends Error {}
    const wrapped = new ConnectError(
      'internal error',
      Code.Internal,
      undefined,
      undefined,
      new DatabaseError('x'),
    );
    assert.equal(causeTypeOf(wrapped), 'DatabaseError');
  });
});
