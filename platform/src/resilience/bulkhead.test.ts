import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Code, type ConnectError } from '@connectrpc/connect';
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { createServiceClient } from '../client/service-client.js';
import { resilienceSnapshot } from './registry.js';
import { type FixtureUpstream, startFixtureUpstream } from './testing/fixture-upstream.js';
import { metricValue, outcomeOf, waitFor } from './testing/observe.js';

describe('bulkhead', () => {
  let upstream: FixtureUpstream;
  beforeEach(async () => {
    upstream = await startFixtureUpstream();
  });
  afterEach(async () => {
    await upstream.close();
  });

  it('runs calls up to its concurrency, queues a few, and refuses the rest with RESOURCE_EXHAUSTED', async () => {
    const name = 'bulkhead-full';
    const client = createServiceClient(FixtureService, {
      upstream: name,
      baseUrl: upstream.baseUrl,
      policy: { bulkheadConcurrency: 2, bulkheadQueue: 1 },
    });
    upstream.hold();
    const inFlight = ['a', 'b', 'c'].map((message) => client.echo({ message }));
    await waitFor('two slow calls reach the upstream', () => upstream.received().length === 2);
    await waitFor('one call queues', () => resilienceSnapshot()[name]?.bulkhead.queued === 1);
    assert.deepEqual(resilienceSnapshot()[name]?.bulkhead, {
      executing: 2,
      queued: 1,
      capacity: 2,
      queueCapacity: 1,
    });
    assert.equal(await metricValue('paymesh_client_bulkhead_in_use', { upstream: name }), 2);
    assert.equal(await metricValue('paymesh_client_bulkhead_queued', { upstream: name }), 1);

    await assert.rejects(client.getTally({ accountId: 'acc-1' }), (err: ConnectError) => {
      assert.equal(err.code, Code.ResourceExhausted);
      assert.equal(err.rawMessage, `${name} bulkhead full`);
      return true;
    });
    assert.equal(upstream.received().length, 2, 'the refused call never reached the upstream');

    upstream.release();
    assert.deepEqual(
      (await Promise.all(inFlight)).map((r) => r.message),
      ['a', 'b', 'c'],
    );
    assert.equal(upstream.received().length, 3, 'the queued call ran once a slot was free');
    const snapshot = resilienceSnapshot()[name];
    assert.equal(snapshot?.bulkhead.executing, 0);
    assert.equal(snapshot?.bulkhead.queued, 0);
    assert.equal(snapshot?.counts.rejectedBulkheadFull, 1);
    assert.equal(snapshot?.circuit, 'closed', 'refusals are not failures of the upstream');
    assert.equal(
      await metricValue('paymesh_client_rejections_total', { upstream: name, reason: 'bulkhead_full' }),
      1,
    );
    assert.equal(await outcomeOf(client.echo({ message: 'd' })), 'OK', 'capacity is back');
  });
});
