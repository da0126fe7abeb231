import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { CallSignal, callEnded } from './call-signal.js';

const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) =>
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true }),
  );

describe('CallSignal', () => {
  it('aborts with DEADLINE_EXCEEDED when the deadline passes', async () => {
    const call = new CallSignal(5, undefined);
    const reason = await aborted(call.signal);
    assert.ok(reason instanceof ConnectError);
    assert.equal(reason.code, Code.DeadlineExceeded);
    assert.equal(reason.rawMessage, 'the operation timed out');
  });

  it('aborts at once for a deadline already past, and for a linked signal already aborted', () => {
    assert.equal((new CallSignal(0, undefined).signal.reason as ConnectError).code, Code.DeadlineExceeded);
    const cause = new ConnectError('server is shutting down', Code.Unavailable);
    assert.equal(new CallSignal(undefined, AbortSignal.abort(cause)).signal.reason, cause);
  });

  it('follows the linked signal with its reason', async () => {
    const shutdown = new AbortController();
    const call = new CallSignal(60_000, shutdown.signal);
    const reason = aborted(call.signal);
    const cause = new ConnectError('server is shutting down', Code.Unavailable);
    shutdown.abort(cause);
    assert.equal(await reason, cause);
  });

  it('keeps the first reason and lets go of the linked signal when the call ends', () => {
    const shutdown = new AbortController();
    const call = new CallSignal(60_000, shutdown.signal);
    assert.equal(getEventListeners(shutdown.signal, 'abort').length, 1);
    call.end(callEnded);
    call.end(new Error('later'));
    assert.equal(call.signal.reason, callEnded);
    assert.equal(getEventListeners(shutdown.signal, 'abort').length, 0);
  });
});
