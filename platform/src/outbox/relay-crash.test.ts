import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventHeader } from '../events/envelope.js';
import { SHARED_NATS_URL } from '../testing/nats.js';
import { waitFor } from '../testing/wait-for.js';
import { startRelay } from './relay.js';
import { entryRecorded } from './testing/entry-events.js';
import { createRelayFixture, type RelayFixture } from './testing/relay-fixture.js';
import { readStream } from './testing/stream-reader.js';

const ACCOUNTS = 30;
const PER_ACCOUNT = 100;
const TOTAL = ACCOUNTS * PER_ACCOUNT;

let fixture: RelayFixture;
before(async () => {
  fixture = await createRelayFixture();
});
after(async () => {
  await fixture?.dispose();
});

function spawnRelay(): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'testing', 'relay-process.ts')],
    {
      env: {
        ...process.env,
        DATABASE_URL: fixture.database.url,
        NATS_URL: SHARED_NATS_URL,
        BATCH_SIZE: '150',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

test('a relay killed between publishing and marking loses nothing, and its successor sends no duplicate', async (t) => {
  const committed = new Map<string, string[]>();
  for (let n = 1; n <= PER_ACCOUNT; n += 10) {
    await fixture.database.db.transaction(async (tx) => {
      for (let a = 0; a < ACCOUNTS; a++) {
        const account = `acc-${a}`;
        const events = Array.from({ length: 10 }, (_, i) => entryRecorded(account, n + i));
        committed.set(account, [
          ...(committed.get(account) ?? []),
          ...(await fixture.outbox.append(tx, ...events)),
        ]);
      }
    });
  }
  const jsm = await fixture.bus.jsm();
  const inStream = async () => (await jsm.streams.info(fixture.stream)).state.messages;
  const marked = async () => TOTAL - (await fixture.pendingIds()).length;

  // Kill relays until one dies with events in the stream that its transaction had not yet marked.
  let unmarked = 0;
  for (let attempt = 1; unmarked === 0; attempt++) {
    assert.ok(attempt <= 5, 'within five kills, one lands between a publish and its mark');
    assert.ok((await marked()) < TOTAL, 'events are left for the next relay to drain');
    const child = spawnRelay();
    const exited = once(child, 'exit');
    await once(child.stdout as NonNullable<typeof child.stdout>, 'data');
    const drained = async () => (await marked()) === TOTAL;
    for (;;) {
      await waitFor('a publish not yet marked, mid-drain', async () => {
        const done = await marked();
        return (done > 0 && (await inStream()) > done) || drained();
      });
      if (await drained()) break;
      // Freeze it, then look again: a mark already sent commits all the same, one not sent never will.
      child.kill('SIGSTOP');
      await sleep(100);
      if ((await inStream()) > (await marked())) break;
      child.kill('SIGCONT');
    }
    child.kill('SIGKILL');
    await exited;
    unmarked = (await inStream()) - (await marked());
    t.diagnostic(`kill ${attempt}: ${await marked()} marked, ${unmarked} in the stream but not marked`);
  }

  const successor = await startRelay({
    pool: fixture.database.db.$client,
    bus: fixture.bus,
    logger: fixture.logger,
    service: 'relay-successor',
  });
  await successor.flush();
  await successor.stop();

  const messages = await readStream(fixture.bus, fixture.stream);
  assert.equal(messages.length, TOTAL, `all ${TOTAL} events, the ${unmarked} sent twice stored once`);
  for (const [account, ids] of committed) {
    const published = messages
      .filter((m) => m.headers[EventHeader.aggregateId] === account)
      .map((m) => m.headers[EventHeader.eventId]);
    assert.deepEqual(published, ids, `events of ${account} in commit order`);
  }
});
