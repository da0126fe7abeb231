import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../testing/wait-for.js';
import { pruneOutbox } from './prune.js';
import { startRelay } from './relay.js';
import { entryRecorded } from './testing/entry-events.js';
import { createRelayFixture, type RelayFixture } from './testing/relay-fixture.js';

const HOUR_MS = 3_600_000;

let fixture: RelayFixture;
before(async () => {
  fixture = await createRelayFixture();
});
after(async () => {
  await fixture?.dispose();
});

/** Appends one event per account and dates it: appended `ageMs` ago, published `publishedAgoMs` ago. */
async function appendDated(account: string, ageMs: number, publishedAgoMs?: number): Promise<string> {
  const [id] = await fixture.database.db.transaction((tx) =>
    fixture.outbox.append(tx, entryRecorded(account, 1)),
  );
  await fixture.database.db.$client.query(
    `update outbox set occurred_at = now() - $2 * interval '1 millisecond',
                       published_at = now() - $3 * interval '1 millisecond'
     where id = $1`,
    [id, ageMs, publishedAgoMs ?? null],
  );
  return id as string;
}

async function storedIds(): Promise<string[]> {
  const { rows } = await fixture.database.db.$client.query<{ id: string }>(
    'select id from outbox order by seq',
  );
  return rows.map((row) => row.id);
}

test('pruning removes only published rows older than the retention', async () => {
  const sentLongAgo = await appendDated('acc-1', 3 * HOUR_MS, 2 * HOUR_MS);
  const sentRecently = await appendDated('acc-2', 3 * HOUR_MS, 10_000);
  const pendingLongAgo = await appendDated('acc-3', 3 * HOUR_MS);

  assert.equal(await pruneOutbox(fixture.database.db.$client, HOUR_MS, 1), 1);

  const stored = await storedIds();
  assert.ok(!stored.includes(sentLongAgo), 'an old published row is gone');
  assert.ok(stored.includes(sentRecently), 'a recently published row stays');
  assert.ok(stored.includes(pendingLongAgo), 'a pending row stays, however old');
});

test('a running relay prunes in the background', async () => {
  const sentLongAgo = await appendDated('acc-4', 3 * HOUR_MS, 2 * HOUR_MS);
  const relay = await startRelay({
    pool: fixture.database.db.$client,
    bus: fixture.bus,
    logger: fixture.logger,
    service: 'relay-pruning',
    retentionMs: HOUR_MS,
    pruneIntervalMs: 20,
  });
  try {
    await waitFor('the old row to be pruned', async () => !(await storedIds()).includes(sentLongAgo));
  } finally {
    await relay.stop();
  }
});
