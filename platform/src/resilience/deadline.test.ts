import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createServiceClient } from '../client/service-client.js';
import { resilienceSnapshot } from './registry.js';
import { type FixtureUpstream, startFixtureUpstream } from './testing/fixture-upstream.js';
import { outcomeOf, waitFor } from './testing/observe.js';

describe('deadline', () => {
  let upstream: FixtureUpstream;
  beforeEach(async () => {
    upstream = await startFixtureUpstream();
    upstream.hold();
  });
  afterEach(async () => {
    await upstream.close();
  });

  // Budgets leave room for the call to reach the upstream on a loaded machine: these tests assert
  // what the upstream was told, so the request must arrive before its deadline ends it.
  function deadlineSeenByUpstream(): number {
    const [call] = upstream.received();
    assert.ok(call?.timeoutMs !== undefined, 'the upstream was sent a deadline');
    return call.timeoutMs;
  }

  it('ends a call that outlives the upstream timeout with DEADLINE_EXCEEDED, counted as a failure', async () => {
    const name = 'deadline-default';
    const client = createServiceClient(FixtureService, {
      upstream: name,
      baseUrl: upstream.baseUrl,
      policy: { timeoutMs: 600 },
    });

    assert.equal(await outcomeOf(client.echo({ message: 'slow' })), 'DeadlineExceeded');
    assert.ok(deadlineSeenByUpstream() <= 600);
    await waitFor('the breaker counts the timeout', () => resilienceSnapshot()[name]?.counts.failures === 1);
  });

  it('lets a shorter deadline set by the caller win', async () => {
    const client = createServiceClient(FixtureService, {
      upstream: 'deadline-caller-shorter',
      baseUrl: upstream.baseUrl,
      policy: { timeoutMs: 30_000 },
    });

    assert.equal(await outcomeOf(client.echo({ message: 'slow' }, { timeoutMs: 400 })), 'DeadlineExceeded');
    assert.ok(deadlineSeenByUpstream() <= 400);
  });

  it('caps a longer deadline set by the caller at the upstream timeout', async () => {
    const client = createServiceClient(FixtureService, {
      upstream: 'deadline-caller-longer',
      baseUrl: upstream.baseUrl,
      policy: { timeoutMs: 600 },
    });

    assert.equal(
      await outcomeOf(client.echo({ message: 'slow' }, { timeoutMs: 60_000 })),
      'DeadlineExceeded',
    );
    assert.ok(deadlineSeenByUpstream() <= 600);
  });

  it('bounds all attempts together: a retry gets only what is left of the budget', async () => {
    const client = createServiceClient(FixtureService, {
      upstream: 'deadline-spans-retries',
      baseUrl: upstream.baseUrl,
      policy: { timeoutMs: 150, retryInitialDelayMs: 20, retryMaxDelayMs: 20 },
    });
    const firstAttemptMs = 20;
    upstream.respond(async ({ n, signal }) => {
      if (n === 1) {
        await sleep(firstAttemptMs);
        throw new ConnectError('restarting', Code.Unavailable);
      }
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    });

    assert.equal(await outcomeOf(client.getTally({ accountId: 'acc-1' })), 'DeadlineExceeded');
    const [first, second] = upstream.received().map((c) => c.timeoutMs ?? Number.NaN);
    assert.equal(upstream.received().length, 2);
    assert.ok(
      first !== undefined && second !== undefined && second <= first - firstAttemptMs / 2,
      `the retry was sent ${second} ms, the first attempt ${first} ms`,
    );
  });
});
