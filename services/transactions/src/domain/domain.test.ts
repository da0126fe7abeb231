import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { domainFailure, toConnectError } from '@paymesh/platform/errors/domain-error';
import { decodePageToken, encodePageToken } from './page-token.js';
import { requestFingerprint } from './request-fingerprint.js';
import { retryDelayMs } from './retry-backoff.js';
import { isTerminal } from './transfer-state.js';
import { classifyUpstreamFailure } from './upstream-failure.js';

const terms = {
  sourceAccountId: '0b6c1f0e-3f2a-4c55-9a4c-1f0f1d2e3a4b',
  destinationAccountId: '1b6c1f0e-3f2a-4c55-9a4c-1f0f1d2e3a4b',
  amount: 1250n,
  currency: 'EUR',
  description: 'rent',
};

describe('requestFingerprint', () => {
  it('is the same for the same terms, whatever the case of the ids', () => {
    assert.equal(
      requestFingerprint(terms),
      requestFingerprint({ ...terms, sourceAccountId: terms.sourceAccountId.toUpperCase() }),
    );
  });
  it('differs when any term differs', () => {
    for (const change of [{ amount: 1251n }, { currency: 'USD' }, { description: 'Rent' }]) {
      assert.notEqual(requestFingerprint(terms), requestFingerprint({ ...terms, ...change }));
    }
  });
});

describe('page tokens', () => {
  it('round-trip a position to the millisecond', () => {
    const position = { createdAt: new Date('2026-12-01T10:11:12.345Z'), transferId: terms.sourceAccountId };
    assert.deepEqual(decodePageToken(encodePageToken(position)), position);
  });
  it('refuse tokens this service did not make', () => {
    for (const token of [
      '',
      'garbage',
      Buffer.from('["x","y"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      assert.equal(decodePageToken(token), undefined, token);
    }
  });
});

describe('retryDelayMs', () => {
  const backoff = { initialMs: 100, maxMs: 1_000 };
  it('grows exponentially within the upper half of each step and stops at the ceiling', () => {
    assert.equal(
      retryDelayMs(1, backoff, () => 0),
      50,
    );
    assert.equal(
      retryDelayMs(1, backoff, () => 1),
      100,
    );
    assert.equal(
      retryDelayMs(3, backoff, () => 1),
      400,
    );
    assert.equal(
      retryDelayMs(30, backoff, () => 1),
      1_000,
    );
  });
});

describe('classifyUpstreamFailure', () => {
  it('reads a business answer as definitive with its stable reason', () => {
    const answer = toConnectError(
      domainFailure(
        Code.FailedPrecondition,
        { reason: 'INSUFFICIENT_FUNDS', domain: 'accounts' },
        'insufficient funds',
      ),
    ).error;
    assert.deepEqual(classifyUpstreamFailure(answer), {
      kind: 'definitive',
      reason: 'INSUFFICIENT_FUNDS',
      message: 'insufficient funds',
    });
  });
  it('names a definitive answer without a reason by its code', () => {
    const failure = classifyUpstreamFailure(new ConnectError('gone', Code.NotFound));
    assert.equal(failure.kind === 'definitive' && failure.reason, 'NOT_FOUND');
  });
  it('reads outages, timeouts, load shedding and unexpected errors as transient', () => {
    for (const code of [
      Code.Unavailable,
      Code.DeadlineExceeded,
      Code.ResourceExhausted,
      Code.Internal,
      Code.Aborted,
    ]) {
      assert.equal(classifyUpstreamFailure(new ConnectError('x', code)).kind, 'transient', Code[code]);
    }
    assert.equal(classifyUpstreamFailure(new Error('socket hang up')).kind, 'transient');
  });
});

describe('transfer states', () => {
  it('knows which states are terminal', () => {
    assert.deepEqual(
      (['pending', 'funds_held', 'compensating', 'completed', 'failed', 'rejected'] as const).filter(
        isTerminal,
      ),
      ['completed', 'failed', 'rejected'],
    );
  });
});
