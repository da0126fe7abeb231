import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { DomainError } from '@paymesh/platform/errors/domain-error';
import { decodePageToken, encodePageToken } from './page-token.js';

const cursor = {
  openedAt: new Date('2025-03-04T05:06:07.089Z'),
  accountId: '10000000-0000-4000-8000-00000000000a',
};

function isMalformedToken(err: unknown): boolean {
  return (
    err instanceof DomainError &&
    err.code === Code.InvalidArgument &&
    err.violations[0]?.field === 'page_token'
  );
}

describe('page tokens', () => {
  it('round-trip the keyset cursor to the millisecond', () => {
    assert.deepEqual(decodePageToken(encodePageToken(cursor)), cursor);
  });

  it('read the empty token as the first page', () => {
    assert.equal(decodePageToken(''), undefined);
  });

  it('refuse anything this service did not write as INVALID_ARGUMENT on page_token', () => {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const token of [
      'not base64!',
      Buffer.from('not json').toString('base64url'),
      json({ openedAt: cursor.openedAt.toISOString() }),
      json([cursor.openedAt.toISOString()]),
      json(['yesterday', cursor.accountId]),
      json([cursor.openedAt.toISOString(), 'not-a-uuid']),
    ]) {
      assert.throws(() => decodePageToken(token), isMalformedToken, token);
    }
  });
});
