import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fromBinary } from '@bufbuild/protobuf';
import { EntryRecordedSchema } from '@paymesh/proto/paymesh/fixture/v1/events_pb';
import { EventHeader } from '../events/envelope.js';
import { SHARED_NATS_URL } from '../testing/nats.js';
import { consumerMetrics } from './consumer-metrics.js';
import { redriveDeadLetter } from './dead-letters.js';
import { eventHandlers } from './handlers.js';
import {
  counterValue,
  createHarness,
  type Harness,
  type HarnessSchema,
  recordEntry,
  waitFor,
} from './testing/harness.js';

const REPO_ROOT = join(import.meta.dirname, '../../..');

describe('dead letters', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** A consumer whose handler refuses `poisonId` while `state.broken`, counting its attempts. */
  const startBreakable = (name: string, poisonId: string, state: { broken: boolean; attempts: number[] }) => {
    const handle = recordEntry(name);
    return h.startConsumer({
      name,
      maxDeliveries: 3,
      backoff: { initialMs: 20, maxMs: 100 },
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, async (event, tx, meta) => {
        if (event.entryId === poisonId) {
          state.attempts.push(meta.deliveryCount);
          if (state.broken) throw new Error(`account ${event.accountId} is frozen`);
        }
        await handle(event, tx, meta);
      }),
    });
  };
  const startHealthy = (name: string) =>
    h.startConsumer({
      name,
      handlers: eventHandlers<HarnessSchema>().on(EntryRecordedSchema, recordEntry(name)),
    });

  it('dead-letters a poison event after maxDeliveries with its reason; a redrive after the fix applies it once', async () => {
    const state = { broken: true, attempts: [] as number[] };
    const ledger = await startBreakable('ledger', 'e-poison', state);
    const audit = await startHealthy('audit');
    const poison = await h.publishEntry({ entryId: 'e-poison', accountId: 'acc-frozen', amount: 500n });
    await h.publishEntry({ entryId: 'e-good', accountId: 'acc-ok', amount: 7n });

    await waitFor('the poison event to be dead-lettered', async () => (await h.deadLetters()).length === 1);
    await h.settled('ledger');
    await h.settled('audit');
    const [letter] = await h.deadLetters();
    assert.ok(letter);
    assert.equal(letter.consumer, 'ledger');
    assert.equal(letter.eventId, poison.eventId);
    assert.equal(letter.eventType, 'EntryRecorded');
    assert.equal(letter.aggregateId, 'acc-frozen');
    assert.equal(letter.originalSubject, poison.subject);
    assert.equal(letter.originalSequence, poison.seq);
    assert.equal(letter.deliveries, 3);
    assert.match(letter.reason, /account acc-frozen is frozen/);
    assert.ok(letter.failedAt.getTime() > 0);
    assert.deepEqual(state.attempts, [1, 2, 3]);
    assert.deepEqual(
      (await h.applied('ledger')).map((r) => r.entryId),
      ['e-good'],
    );
    assert.equal((await h.applied('audit')).length, 2);

    state.broken = false;
    const redriven = await redriveDeadLetter(h.bus, h.namespace, letter.seq);
    assert.equal(redriven.eventId, poison.eventId);
    await waitFor('the redriven event to be applied', async () => (await h.applied('ledger')).length === 2);
    await h.settled('ledger');
    await h.settled('audit');
    await ledger.stop();
    await audit.stop();

    assert.deepEqual(await h.deadLetters(), []);
    assert.ok((await h.applied('ledger')).every((r) => r.times === 1));
    assert.ok(
      (await h.applied('audit')).every((r) => r.times === 1),
      'audit applied the redriven event once',
    );
    assert.equal(
      await counterValue(consumerMetrics.skipped, { consumer: 'audit', reason: 'duplicate' }),
      1,
      'the redrive reached audit too, whose inbox deduplicated it',
    );
    const [frozen] = await h.db.query.balances.findMany({
      where: (b, { eq }) => eq(b.accountId, 'acc-frozen'),
    });
    assert.equal(frozen?.balance, 1_000n, 'one application per consumer: ledger and audit');
  });

  it('dead-letters an undecodable or headerless message on its first delivery', async () => {
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    assert.throws(() => fromBinary(EntryRecordedSchema, garbage));
    const consumer = await startHealthy('strict');
    await h.publishEntry({ entryId: 'x', accountId: 'acc-bad', amount: 1n }, { payload: garbage });
    await h.publishEntry({ entryId: 'y', accountId: 'acc-bad', amount: 1n }, { omit: [EventHeader.eventId] });

    await waitFor('both to be dead-lettered', async () => (await h.deadLetters()).length === 2);
    await h.settled('strict');
    await consumer.stop();

    const letters = await h.deadLetters();
    assert.deepEqual(
      letters.map((l) => l.deliveries),
      [1, 1],
    );
    assert.match(letters[0]?.reason ?? '', /cannot decode paymesh\.fixture\.v1\.EntryRecorded/);
    assert.match(letters[1]?.reason ?? '', /missing Paymesh-Event-Id header/);
    assert.deepEqual(await h.applied('strict'), []);
  });

  it('lists dead letters as a table and redrives them all from the dlq command', async () => {
    const state = { broken: true, attempts: [] as number[] };
    const consumer = await startBreakable('payouts', 'e-cli', state);
    const poison = await h.publishEntry({ entryId: 'e-cli', accountId: 'acc-cli', amount: 3n });
    await waitFor('the event to be dead-lettered', async () => (await h.deadLetters()).length === 1);

    const listed = await dlq(h, 'list');
    assert.match(listed, /SEQ\s+FAILED AT\s+CONSUMER\s+EVENT TYPE/);
    assert.match(
      listed,
      new RegExp(`payouts\\s+EntryRecorded\\s+${poison.eventId}\\s+3\\s+${poison.subject}`),
    );
    assert.match(listed, /account acc-cli is frozen/);

    state.broken = false;
    assert.match(await dlq(h, 'redrive', '--all'), /redriven 1 dead letter\(s\)/);
    await waitFor('the redriven event to be applied', async () => (await h.applied('payouts')).length === 1);
    await h.settled('payouts');
    await consumer.stop();

    assert.match(await dlq(h, 'list'), /no dead letters/);
    assert.deepEqual(
      (await h.applied('payouts')).map((r) => [r.entryId, r.times]),
      [['e-cli', 1]],
    );
  });
});

async function dlq(h: Harness, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'platform/src/consumer/dlq-cli.ts', ...args],
    { cwd: REPO_ROOT, env: { ...process.env, NATS_URL: SHARED_NATS_URL, EVENT_NAMESPACE: h.namespace } },
  );
  return stdout;
}
