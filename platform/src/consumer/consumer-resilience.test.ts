import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { createDatabase } from '../db/database.js';
import { startPrivateNats } from '../testing/nats.js';
import { consumerMetrics } from './consumer-metrics.js';
import { eventHandlers } from './handlers.js';
import {
  counterValue,
  createHarness,
  type Entry,
  type HarnessSchema,
  harnessSchema,
  recordEntry,
  waitFor,
} from './testing/harness.js';
import { startTcpProxy } from './testing/tcp-proxy.js';

describe('event consumer under failures', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('retries a failing handler after growing backoffs, then applies the event once', async () => {
    const h = await createHarness();
    cleanups.push(() => h.close());
    const name = 'flaky';
    const attempts: { deliveryCount: number; at: number }[] = [];
    const handle = recordEntry(name);
    const consumer = await h.startConsumer({
      name,
      maxDeliveries: 5,
      backoff: { initialMs: 150, multiplier: 2, maxMs: 5_000 },
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, async (event, tx, meta) => {
        attempts.push({ deliveryCount: meta.deliveryCount, at: performance.now() });
        // Writes before the failure must roll back with it.
        await handle(event, tx, meta);
        if (meta.deliveryCount < 3) throw new Error('downstream timed out');
      }),
    });
    await h.publishEntry({ entryId: 'e-flaky', accountId: 'acc-flaky', amount: 42n });
    await waitFor('the third delivery to succeed', async () => (await h.applied(name)).length === 1);
    await h.settled(name);
    await consumer.stop();

    assert.deepEqual(
      attempts.map((a) => a.deliveryCount),
      [1, 2, 3],
    );
    // Lower bounds only: the broker must not redeliver before the backoff, later is fine.
    const [first, second, third] = attempts.map((a) => a.at) as [number, number, number];
    assert.ok(second - first >= 140, `first retry waited ${second - first} ms, backoff is 150 ms`);
    assert.ok(third - second >= 290, `second retry waited ${third - second} ms, backoff is 300 ms`);
    assert.deepEqual(await h.applied(name), [{ entryId: 'e-flaky', accountId: 'acc-flaky', times: 1 }]);
    assert.equal(await counterValue(consumerMetrics.retried, { consumer: name }), 2);
    assert.deepEqual(await h.deadLetters(), []);
  });

  it('waits out a database outage: events are retried, not dead-lettered, and applied once it is back', async () => {
    const h = await createHarness();
    cleanups.push(() => h.close());
    const target = new URL(h.database.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const proxied = new URL(h.database.url);
    proxied.port = String(proxy.port);
    const db = createDatabase({ url: proxied.toString(), schema: harnessSchema, max: 4 });
    cleanups.push(() => db.$client.end());

    const name = 'outage';
    const consumer = await h.startConsumer({
      db,
      name,
      concurrency: 4,
      maxDeliveries: 2,
      backoff: { initialMs: 50, maxMs: 300 },
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, recordEntry(name)),
    });
    await h.publishEntry({ entryId: 'e-before', accountId: 'acc-outage', amount: 1n });
    await waitFor('the first event to apply', async () => (await h.applied(name)).length === 1);

    await proxy.cut();
    const entries: Entry[] = Array.from({ length: 20 }, (_, i) => ({
      entryId: `e-during-${i}`,
      accountId: `acc-outage-${i % 4}`,
      amount: 1n,
    }));
    for (const e of entries) await h.publishEntry(e);
    const retriedDuringOutage = () =>
      counterValue(consumerMetrics.retried, { consumer: name, kind: 'transient' });
    await waitFor(
      'the events to fail three times each on average, beyond maxDeliveries (2)',
      async () => (await retriedDuringOutage()) >= 3 * entries.length,
    );
    await proxy.restore();

    await waitFor(
      'every event to apply after the outage',
      async () => (await h.applied(name)).length === 21,
      20_000,
    );
    await h.settled(name);
    await consumer.stop();

    assert.ok((await h.applied(name)).every((r) => r.times === 1));
    assert.deepEqual(await h.deadLetters(), [], 'an outage is not the events’ fault');
  });

  it('survives a NATS restart mid-stream: every event is applied exactly once', async () => {
    const nats = await startPrivateNats();
    cleanups.push(() => nats.dispose());
    const h = await createHarness({ natsUrl: nats.url });
    cleanups.push(() => h.close());
    const name = 'restart';
    const handle = recordEntry(name);
    const consumer = await h.startConsumer({
      name,
      ackWaitMs: 2_000,
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, async (event, tx, meta) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await handle(event, tx, meta);
      }),
    });
    const entries: Entry[] = Array.from({ length: 200 }, (_, i) => ({
      entryId: `e-restart-${i}`,
      accountId: `acc-restart-${i % 10}`,
      amount: 1n,
    }));
    // Event ids fixed per entry: a publish retried after a timeout is deduplicated by the broker.
    const publish = (e: Entry) =>
      waitFor(`JetStream to store ${e.entryId}`, () =>
        h.publishEntry(e, { eventId: e.entryId }).then(
          () => true,
          () => false,
        ),
      );
    for (const e of entries.slice(0, 150)) await publish(e);
    await waitFor('some events to apply', async () => (await h.applied(name)).length >= 30);

    await nats.stop();
    await nats.start();
    for (const e of entries.slice(150)) await publish(e);

    await waitFor(
      'every event to apply after the restart',
      async () => (await h.applied(name)).length === 200,
      30_000,
    );
    await h.settled(name, 20_000);
    await consumer.stop();

    assert.ok(
      (await h.applied(name)).every((r) => r.times === 1),
      'no event applied twice',
    );
  });
});
