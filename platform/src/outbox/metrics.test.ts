import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { metricsRegistry } from '../telemetry/metrics.js';
import { outboxMetrics } from './metrics.js';
import { startRelay } from './relay.js';
import { entryRecorded } from './testing/entry-events.js';
import { createRelayFixture, type RelayFixture } from './testing/relay-fixture.js';

let fixture: RelayFixture;
before(async () => {
  fixture = await createRelayFixture();
});
after(async () => {
  await fixture?.dispose();
});

/** The value of a metric for a service, as a scrape reads it. */
async function scraped(name: string, service: string): Promise<number | undefined> {
  const metrics = await metricsRegistry.getMetricsAsJSON();
  const metric = metrics.find((m) => m.name === name);
  return metric?.values.find((v) => v.labels.service === service)?.value;
}

test('metrics report the backlog and the age of its oldest event', async () => {
  const ids = await fixture.database.db.transaction((tx) =>
    fixture.outbox.append(
      tx,
      entryRecorded('acc-1', 1),
      entryRecorded('acc-1', 2),
      entryRecorded('acc-2', 1),
    ),
  );
  await fixture.database.db.$client.query(
    `update outbox set occurred_at = now() - interval '2 minutes' where id = $1`,
    [ids[0]],
  );
  const metrics = outboxMetrics(fixture.database.db.$client, 'metrics-backlog', fixture.logger);
  try {
    assert.equal(await scraped('paymesh_outbox_backlog', 'metrics-backlog'), 3);
    const age = await scraped('paymesh_outbox_oldest_unpublished_age_seconds', 'metrics-backlog');
    assert.ok(age !== undefined && age >= 120 && age < 3_600, `oldest age ${age} s`);
  } finally {
    metrics.close();
  }
});

test('a relay reports what it published and an empty backlog once drained', async () => {
  const relay = await startRelay({
    pool: fixture.database.db.$client,
    bus: fixture.bus,
    logger: fixture.logger,
    service: 'metrics-relay',
  });
  try {
    await relay.flush();
    assert.equal(await scraped('paymesh_outbox_published_total', 'metrics-relay'), 3);
    assert.equal(await scraped('paymesh_outbox_backlog', 'metrics-relay'), 0);
    assert.equal(await scraped('paymesh_outbox_oldest_unpublished_age_seconds', 'metrics-relay'), 0);
  } finally {
    await relay.stop();
  }
});

test('a relay counts the republish of an event the stream already holds as a duplicate', async () => {
  const [id] = await fixture.database.db.transaction((tx) =>
    fixture.outbox.append(tx, entryRecorded('acc-3', 1), entryRecorded('acc-4', 1)),
  );
  // As if a relay had published the row and died before recording it.
  const { rows } = await fixture.database.db.$client.query<{ subject: string; payload: Buffer }>(
    'select subject, payload from outbox where id = $1',
    [id],
  );
  const [row] = rows;
  assert.ok(row);
  await fixture.bus.js.publish(row.subject, row.payload, { msgID: id });
  const relay = await startRelay({
    pool: fixture.database.db.$client,
    bus: fixture.bus,
    logger: fixture.logger,
    service: 'metrics-duplicates',
  });
  try {
    await relay.flush();
    assert.equal(await scraped('paymesh_outbox_published_total', 'metrics-duplicates'), 2);
    assert.equal(await scraped('paymesh_outbox_duplicates_total', 'metrics-duplicates'), 1);
    const { state } = await (await fixture.bus.jsm()).streams.info(fixture.stream);
    assert.equal(state.messages, 5, 'the three earlier events and the two new ones, each once');
  } finally {
    await relay.stop();
  }
});
