import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventHeader } from '../events/envelope.js';
import { type PrivateNats, startPrivateNats } from '../testing/nats.js';
import { waitFor } from '../testing/wait-for.js';
import { startRelay } from './relay.js';
import { appendPerAccount } from './testing/entry-events.js';
import { createRelayFixture, type RelayFixture } from './testing/relay-fixture.js';
import { readStream } from './testing/stream-reader.js';

let nats: PrivateNats;
let fixture: RelayFixture;
before(async () => {
  nats = await startPrivateNats();
  fixture = await createRelayFixture(nats.url);
});
after(async () => {
  await fixture?.dispose();
  await nats?.dispose();
});

test('events committed while NATS is down are published once it is back: none lost, none twice', async () => {
  const accounts = Array.from({ length: 10 }, (_, i) => `acc-${i}`);
  const relay = await startRelay({
    pool: fixture.database.db.$client,
    bus: fixture.bus,
    logger: fixture.logger,
    service: 'relay-outage',
    publishTimeoutMs: 500,
    backoff: { initialMs: 20, maxMs: 500 },
  });
  try {
    const before = await appendPerAccount(fixture.database.db, fixture.outbox, accounts, 10);
    await relay.flush();

    await nats.stop();
    const during = await appendPerAccount(fixture.database.db, fixture.outbox, accounts, 20);
    await waitFor('failed attempts to be recorded', async () => {
      const { rows } = await fixture.database.db.$client.query(
        'select 1 from outbox where published_at is null and attempts >= 2 and last_error is not null',
      );
      return rows.length > 0;
    });
    assert.ok((await fixture.pendingIds()).length > 0, 'events wait while NATS is down');

    await nats.start();
    await waitFor('the backlog to drain', async () => (await fixture.pendingIds()).length === 0, {
      timeoutMs: 20_000,
    });

    const messages = await readStream(fixture.bus, fixture.stream);
    assert.equal(messages.length, accounts.length * 30);
    for (const account of accounts) {
      const published = messages
        .filter((m) => m.headers[EventHeader.aggregateId] === account)
        .map((m) => m.headers[EventHeader.eventId]);
      const committed = [...(before.get(account) ?? []), ...(during.get(account) ?? [])];
      assert.deepEqual(published, committed, `events of ${account} in commit order`);
    }
  } finally {
    await relay.stop();
  }
});

test('a relay whose database connections die while it publishes recovers and publishes everything', async () => {
  const relay = await startRelay({
    pool: fixture.database.db.$client,
    bus: fixture.bus,
    logger: fixture.logger,
    service: 'relay-pg-loss',
    publishTimeoutMs: 2_000,
    backoff: { initialMs: 20, maxMs: 500 },
  });
  try {
    // With NATS away, batches hold their transactions open, waiting for acks.
    await nats.stop();
    await appendPerAccount(fixture.database.db, fixture.outbox, ['acc-x', 'acc-y'], 5);
    const pool = fixture.database.db.$client;
    const inTransaction = `select pid from pg_stat_activity
       where datname = current_database() and state = 'idle in transaction' and pid <> pg_backend_pid()`;
    await waitFor('a batch waiting on NATS', async () => (await pool.query(inTransaction)).rows.length > 0);
    await pool.query(`select pg_terminate_backend(pid) from (${inTransaction}) as waiting`);

    await nats.start();
    await waitFor('the events to be published', async () => (await fixture.pendingIds()).length === 0, {
      timeoutMs: 20_000,
    });
  } finally {
    await relay.stop();
  }
});
