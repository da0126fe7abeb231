import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createServiceClient } from '../client/service-client.js';
import { resilienceSnapshot } from './registry.js';
import {
  type FixtureMethod,
  type FixtureUpstream,
  failWith,
  startFixtureUpstream,
} from './testing/fixture-upstream.js';
import { metricValue, outcomeOf } from './testing/observe.js';

const policy = { maxRetries: 2, retryInitialDelayMs: 1, retryMaxDelayMs: 5 };

type FixtureClient = ReturnType<typeof createServiceClient<typeof FixtureService>>;

const calls: Record<FixtureMethod, (client: FixtureClient) => Promise<unknown>> = {
  echo: (client) => client.echo({ message: 'hello' }),
  getTally: (client) => client.getTally({ accountId: 'acc-1' }),
  recordEntry: (client) =>
    client.recordEntry({
      entryId: '0b6f3f5e-8a4e-4c1e-9d3a-2f1c5e7a9b10',
      accountId: 'acc-1',
      amount: 500n,
      currency: 'EUR',
    }),
};

// The fixture's Echo as a method without a declared idempotency level (what a plain rpc gets).
const echoOfUnknownIdempotency = {
  ...FixtureService.method.echo,
  idempotency: MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
};
const ServiceOfUnknownIdempotency = {
  ...FixtureService,
  methods: [echoOfUnknownIdempotency],
  method: { echo: echoOfUnknownIdempotency },
};

// The fixture's Echo seen as server-streaming: on the gRPC wire a unary answer is a stream of one.
const echoAsStream = { ...FixtureService.method.echo, methodKind: 'server_streaming' as const };
const StreamingService = { ...FixtureService, methods: [echoAsStream], method: { echo: echoAsStream } };

describe('retries', () => {
  let upstream: FixtureUpstream;
  beforeEach(async () => {
    upstream = await startFixtureUpstream();
  });
  afterEach(async () => {
    await upstream.close();
  });

  for (const method of ['echo', 'getTally', 'recordEntry'] as const) {
    it(`retries ${method} (declared idempotent) on UNAVAILABLE until it succeeds`, async () => {
      const name = `retry-${method.toLowerCase()}`;
      const client = createServiceClient(FixtureService, {
        upstream: name,
        baseUrl: upstream.baseUrl,
        policy,
      });
      upstream.respond(failWith(Code.Unavailable, 2));

      assert.equal(await outcomeOf(calls[method](client)), 'OK');
      assert.equal(upstream.received(method).length, 3);
      assert.equal(resilienceSnapshot()[name]?.counts.retries, 2);
      assert.equal(await metricValue('paymesh_client_retries_total', { upstream: name }), 2);
    });
  }

  it('gives up with UNAVAILABLE after maxRetries retries', async () => {
    const client = createServiceClient(FixtureService, {
      upstream: 'retry-gives-up',
      baseUrl: upstream.baseUrl,
      policy,
    });
    upstream.respond(failWith(Code.Unavailable));

    assert.equal(await outcomeOf(client.getTally({ accountId: 'acc-1' })), 'Unavailable');
    assert.equal(upstream.received().length, 1 + policy.maxRetries);
  });

  const notRetried = [
    Code.InvalidArgument,
    Code.FailedPrecondition,
    Code.NotFound,
    Code.DeadlineExceeded,
    Code.ResourceExhausted,
    Code.Aborted,
  ];
  for (const code of notRetried) {
    it(`does not retry an idempotent call that failed with ${Code[code]}`, async () => {
      const name = `no-retry-${Code[code].toLowerCase()}`;
      const client = createServiceClient(FixtureService, {
        upstream: name,
        baseUrl: upstream.baseUrl,
        policy,
      });
      upstream.respond(failWith(code, 1));

      assert.equal(await outcomeOf(calls.recordEntry(client)), Code[code]);
      assert.equal(upstream.received().length, 1);
      assert.equal(resilienceSnapshot()[name]?.counts.retries, 0);
    });
  }

  it('never retries a method without a declared idempotency level', async () => {
    const client = createServiceClient(ServiceOfUnknownIdempotency, {
      upstream: 'no-retry-unknown-idempotency',
      baseUrl: upstream.baseUrl,
      policy,
    });
    upstream.respond(failWith(Code.Unavailable, 1));

    assert.equal(await outcomeOf(client.echo({ message: 'once' })), 'Unavailable');
    assert.equal(upstream.received().length, 1);
  });

  it('never retries a streaming call, even of an idempotent method', async () => {
    const client = createServiceClient(StreamingService, {
      upstream: 'no-retry-stream',
      baseUrl: upstream.baseUrl,
      policy,
    });
    upstream.respond(failWith(Code.Unavailable, 1));

    assert.equal(await outcomeOf(client.echo({ message: 'once' })), 'Unavailable');
    assert.equal(upstream.received().length, 1);
    assert.equal(await outcomeOf(client.echo({ message: 'again' })), 'OK', 'the stream path still works');
  });
});
