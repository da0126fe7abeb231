import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, ConnectError } from '@connectrpc/connect';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createServiceClient } from '../client/service-client.js';
import { resilienceSnapshot } from './registry.js';
import { type FixtureUpstream, failWith, startFixtureUpstream } from './testing/fixture-upstream.js';
import { metricValue, outcomeOf, waitFor } from './testing/observe.js';

// Four attempts in the window, more than half of them failed: the circuit opens.
const policy = {
  maxRetries: 0,
  breakerWindow: 4,
  breakerMinimumCalls: 4,
  breakerFailureRatio: 0.5,
  breakerHalfOpenAfterMs: 60_000,
};
const coolDownMs = 100;

describe('circuit breaker', () => {
  let upstream: FixtureUpstream;
  beforeEach(async () => {
    upstream = await startFixtureUpstream();
  });
  afterEach(async () => {
    await upstream.close();
  });

  const infrastructureFailures = [Code.Unavailable, Code.Internal, Code.Unknown, Code.DeadlineExceeded];

  async function openCircuit(client: ReturnType<typeof createServiceClient<typeof FixtureService>>) {
    upstream.respond(({ n }) => {
      throw new ConnectError('down', infrastructureFailures[(n - 1) % infrastructureFailures.length]);
    });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await outcomeOf(client.echo({ message: 'x' })));
    return outcomes;
  }

  it('opens on infrastructure failures, then fails fast with UNAVAILABLE without calling the upstream', async () => {
    const name = 'breaker-opens';
    const client = createServiceClient(FixtureService, { upstream: name, baseUrl: upstream.baseUrl, policy });

    assert.deepEqual(await openCircuit(client), ['Unavailable', 'Internal', 'Unknown', 'DeadlineExceeded']);
    assert.equal(resilienceSnapshot()[name]?.circuit, 'open');

    for (let i = 0; i < 3; i++) {
      await assert.rejects(client.echo({ message: 'x' }), (err: ConnectError) => {
        assert.equal(err.code, Code.Unavailable);
        assert.equal(err.rawMessage, `${name} circuit open`);
        return true;
      });
    }
    assert.equal(upstream.received().length, 4, 'no call reached the upstream while open');
    assert.deepEqual(resilienceSnapshot()[name]?.counts, {
      calls: 7,
      retries: 0,
      failures: 4,
      circuitOpened: 1,
      rejectedCircuitOpen: 3,
      rejectedBulkheadFull: 0,
    });
    assert.equal(await metricValue('paymesh_client_circuit_state', { upstream: name }), 1);
    assert.equal(
      await metricValue('paymesh_client_rejections_total', { upstream: name, reason: 'circuit_open' }),
      3,
    );
  });

  it('never opens on business errors: NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION...', async () => {
    const name = 'breaker-business-errors';
    const client = createServiceClient(FixtureService, { upstream: name, baseUrl: upstream.baseUrl, policy });
    const business = [
      Code.NotFound,
      Code.InvalidArgument,
      Code.FailedPrecondition,
      Code.AlreadyExists,
      Code.PermissionDenied,
    ];
    upstream.respond(({ n }) => {
      throw new ConnectError('no', business[(n - 1) % business.length]);
    });

    for (let i = 0; i < 10; i++) await outcomeOf(client.echo({ message: 'x' }));

    assert.equal(upstream.received().length, 10, 'every call reached the upstream');
    const snapshot = resilienceSnapshot()[name];
    assert.equal(snapshot?.circuit, 'closed');
    assert.equal(snapshot?.counts.failures, 0);
    assert.equal(await metricValue('paymesh_client_circuit_state', { upstream: name }), 0);
  });

  it('half-opens after the cool-down, lets one probe through, and closes when it succeeds', async () => {
    const name = 'breaker-recovers';
    const client = createServiceClient(FixtureService, {
      upstream: name,
      baseUrl: upstream.baseUrl,
      policy: { ...policy, breakerHalfOpenAfterMs: coolDownMs },
    });
    await openCircuit(client);
    assert.equal(resilienceSnapshot()[name]?.circuit, 'open');

    await sleep(coolDownMs * 2);
    upstream.hold();
    const probe = client.echo({ message: 'probe' });
    await waitFor('the probe reaches the upstream', () => upstream.received().length === 5);
    assert.equal(resilienceSnapshot()[name]?.circuit, 'half-open');
    assert.equal(await metricValue('paymesh_client_circuit_state', { upstream: name }), 2);

    upstream.release();
    assert.equal((await probe).message, 'probe');
    assert.equal(resilienceSnapshot()[name]?.circuit, 'closed');
    assert.equal(await outcomeOf(client.echo({ message: 'after' })), 'OK');
    assert.equal(upstream.received().length, 6);
    assert.equal(await metricValue('paymesh_client_circuit_state', { upstream: name }), 0);
  });

  it('opens again when the half-open probe fails', async () => {
    const name = 'breaker-probe-fails';
    const client = createServiceClient(FixtureService, {
      upstream: name,
      baseUrl: upstream.baseUrl,
      policy: { ...policy, breakerHalfOpenAfterMs: coolDownMs },
    });
    await openCircuit(client);

    await sleep(coolDownMs * 2);
    upstream.respond(failWith(Code.Unavailable));
    assert.equal(await outcomeOf(client.echo({ message: 'probe' })), 'Unavailable');
    assert.equal(upstream.received().length, 5, 'the probe reached the upstream');

    assert.equal(await outcomeOf(client.echo({ message: 'x' })), 'Unavailable');
    assert.equal(upstream.received().length, 5, 'the next call failed fast');
    const snapshot = resilienceSnapshot()[name];
    assert.equal(snapshot?.circuit, 'open');
    assert.equal(snapshot?.counts.circuitOpened, 2);
  });
});
