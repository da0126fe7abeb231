import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Code, type Interceptor } from '@connectrpc/connect';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { defaultResiliencePolicy } from '../resilience/policy.js';
import { resilienceSnapshot } from '../resilience/registry.js';
import {
  type FixtureUpstream,
  failWith,
  startFixtureUpstream,
} from '../resilience/testing/fixture-upstream.js';
import { outcomeOf } from '../resilience/testing/observe.js';
import { createServiceClient } from './service-client.js';

describe('createServiceClient', () => {
  let upstream: FixtureUpstream;
  beforeEach(async () => {
    upstream = await startFixtureUpstream();
  });
  afterEach(async () => {
    await upstream.close();
  });

  it('makes a typed client that speaks binary gRPC to the upstream', async () => {
    const client = createServiceClient(FixtureService, {
      upstream: 'client-grpc',
      baseUrl: upstream.baseUrl,
    });

    const tally = await client.getTally({ accountId: 'acc-1' });
    assert.equal(tally.appliedCount, 0n);
    assert.equal(upstream.received()[0]?.header.get('content-type'), 'application/grpc+proto');
  });

  it('runs the given interceptors outside the resilience layer: once per call, their headers on every attempt', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    let invocations = 0;
    const stampsTrace: Interceptor = (next) => (req) => {
      invocations++;
      req.header.set('traceparent', traceparent);
      return next(req);
    };
    const client = createServiceClient(FixtureService, {
      upstream: 'client-interceptors',
      baseUrl: upstream.baseUrl,
      interceptors: [stampsTrace],
      policy: { retryInitialDelayMs: 1, retryMaxDelayMs: 5 },
    });
    upstream.respond(failWith(Code.Unavailable, 2));

    assert.equal(await outcomeOf(client.echo({ message: 'hi' })), 'OK');
    assert.equal(invocations, 1);
    assert.deepEqual(
      upstream.received().map((c) => c.header.get('traceparent')),
      [traceparent, traceparent, traceparent],
    );
  });

  it('gives every client of one upstream the same breaker and bulkhead', async () => {
    const policy = { maxRetries: 0, breakerWindow: 2, breakerMinimumCalls: 2 };
    const first = createServiceClient(FixtureService, {
      upstream: 'client-shared',
      baseUrl: upstream.baseUrl,
      policy,
    });
    const second = createServiceClient(FixtureService, {
      upstream: 'client-shared',
      baseUrl: upstream.baseUrl,
      policy,
    });
    upstream.respond(failWith(Code.Unavailable));
    await outcomeOf(first.echo({ message: 'x' }));
    await outcomeOf(first.echo({ message: 'x' }));

    assert.equal(await outcomeOf(second.echo({ message: 'x' })), 'Unavailable');
    assert.equal(upstream.received().length, 2, "the second client failed fast on the first one's breaker");
  });

  it('refuses a second, different policy for an upstream already in use', () => {
    createServiceClient(FixtureService, { upstream: 'client-conflict', baseUrl: upstream.baseUrl });
    assert.throws(
      () =>
        createServiceClient(FixtureService, {
          upstream: 'client-conflict',
          baseUrl: upstream.baseUrl,
          policy: { timeoutMs: 1 },
        }),
      /client-conflict is already in use with a different resilience policy/,
    );
  });

  it('refuses an invalid policy, naming the upstream and the field', () => {
    assert.throws(
      () =>
        createServiceClient(FixtureService, {
          upstream: 'client-invalid',
          baseUrl: upstream.baseUrl,
          policy: { breakerFailureRatio: 1.5, bulkheadConcurrency: 0 },
        }),
      /client-invalid: breakerFailureRatio: .*; bulkheadConcurrency: /,
    );
  });

  it('shows each upstream in the snapshot: breaker state, bulkhead use and capacity, counts, policy', async () => {
    const client = createServiceClient(FixtureService, {
      upstream: 'client-snapshot',
      baseUrl: upstream.baseUrl,
      policy: { bulkheadConcurrency: 8 },
    });
    await client.echo({ message: 'x' });

    assert.deepEqual(resilienceSnapshot()['client-snapshot'], {
      upstream: 'client-snapshot',
      circuit: 'closed',
      bulkhead: {
        executing: 0,
        queued: 0,
        capacity: 8,
        queueCapacity: defaultResiliencePolicy.bulkheadQueue,
      },
      counts: {
        calls: 1,
        retries: 0,
        failures: 0,
        circuitOpened: 0,
        rejectedCircuitOpen: 0,
        rejectedBulkheadFull: 0,
      },
      policy: { ...defaultResiliencePolicy, bulkheadConcurrency: 8 },
    });
  });
});
