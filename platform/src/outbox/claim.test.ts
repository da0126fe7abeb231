import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { beginClaim, finishClaim } from './claim.js';
import { createOutbox } from './outbox.js';
import { OUTBOX_PARTITIONS } from './partition.js';
import { entryRecorded } from './testing/entry-events.js';
import { createOutboxDatabase, type OutboxDatabase } from './testing/outbox-database.js';

let database: OutboxDatabase;
before(async () => {
  database = await createOutboxDatabase('outbox_claim');
});
after(async () => {
  await database?.dispose();
});

test('finishing a claim marks the published rows and keeps each error verbatim, in one commit', async () => {
  const outbox = createOutbox({ namespace: 'claimtest', context: 'fixture' });
  await database.db.transaction((tx) =>
    outbox.append(tx, entryRecorded('acc-1', 1), entryRecorded('acc-2', 2), entryRecorded('acc-3', 3)),
  );
  // Quotes, a backslash and SQL: the error is written inline, so it must arrive as text, not code.
  const error = `NatsError: it's "down" \\ retry'); delete from outbox; --`;
  const client = await database.db.$client.connect();
  try {
    const claimed = await beginClaim(client, 10, 10, OUTBOX_PARTITIONS);
    assert.equal(claimed.length, 3);
    const [first, second, third] = claimed;
    await finishClaim(client, [
      { seq: first?.seq as string },
      { seq: second?.seq as string, error },
      { seq: third?.seq as string },
    ]);
  } finally {
    client.release();
  }
  const { rows } = await database.db.$client.query<{
    aggregate_id: string;
    attempts: number;
    last_error: string | null;
    published: boolean;
  }>(
    'select aggregate_id, attempts, last_error, published_at is not null as published from outbox order by seq',
  );
  assert.equal(rows.length, 3);
  const failed = rows.filter((row) => !row.published);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.last_error, error);
  assert.ok(rows.every((row) => row.attempts === 1));
  assert.ok(rows.filter((row) => row.published).every((row) => row.last_error === null));

  // The transaction was committed: nothing is left locked or pending but the failed row.
  const again = await database.db.$client.connect();
  try {
    const reclaimed = await beginClaim(again, 10, 10, OUTBOX_PARTITIONS);
    assert.deepEqual(
      reclaimed.map((event) => event.aggregateId),
      [failed[0]?.aggregate_id],
    );
    await finishClaim(again, []);
  } finally {
    again.release();
  }
});
