import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { EventHeader } from '../events/envelope.js';
import { eventNames } from '../events/naming.js';
import { ensureStream } from '../nats/streams.js';
import { metricsRegistry } from '../telemetry/metrics.js';
import { waitFor } from '../testing/wait-for.js';
import { createOutbox } from './outbox.js';
import { type Relay, type RelayOptions, startRelay } from './relay.js';
import { appendPerAccount, entryRecorded } from './testing/entry-events.js';
import { createRelayFixture, type RelayFixture } from './testing/relay-fixture.js';
import { readStream } from './testing/stream-reader.js';

describe('outbox relay', () => {
  const spans = new InMemorySpanExporter();
  let fixture: RelayFixture;
  let relays: Relay[] = [];

  const start = async (options: Partial<RelayOptions> & { service: string }) => {
    const relay = await startRelay({
      pool: fixture.database.db.$client,
      bus: fixture.bus,
      logger: fixture.logger,
      backoff: { initialMs: 10, maxMs: 200 },
      ...options,
    });
    relays.push(relay);
    return relay;
  };

  before(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
    );
  });
  afterEach(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    relays = [];
    await fixture?.dispose();
  });
  after(() => {
    trace.disable();
  });

  test('a published event carries the envelope headers and continues the trace stored with it', async () => {
    fixture = await createRelayFixture();
    const tracer = trace.getTracer('outbox-test');
    const appendSpan = tracer.startSpan('record entry');
    const [eventId] = await context.with(trace.setSpan(context.active(), appendSpan), () =>
      fixture.database.db.transaction((tx) => fixture.outbox.append(tx, entryRecorded('acc-1', 1))),
    );
    appendSpan.end();
    const relay = await start({ service: 'relay-trace' });
    await relay.flush();

    const [message, ...rest] = await readStream(fixture.bus, fixture.stream);
    assert.equal(rest.length, 0);
    assert.ok(message);
    assert.equal(message.subject, `${fixture.namespace}.fixture.acc-1`);
    assert.equal(message.headers[EventHeader.msgId], eventId);
    assert.equal(message.headers[EventHeader.eventId], eventId);
    assert.equal(message.headers[EventHeader.eventType], 'EntryRecorded');
    assert.equal(message.headers[EventHeader.schema], 'paymesh.fixture.v1.EntryRecorded');
    assert.equal(message.headers[EventHeader.aggregateId], 'acc-1');
    assert.equal(message.headers[EventHeader.contentType], 'application/x-protobuf');
    assert.ok(!Number.isNaN(Date.parse(message.headers[EventHeader.occurredAt] ?? '')));

    const producer = spans.getFinishedSpans().find((span) => span.kind === SpanKind.PRODUCER);
    assert.ok(producer, 'the relay made a PRODUCER span');
    const { traceId, spanId } = appendSpan.spanContext();
    assert.equal(producer.spanContext().traceId, traceId);
    assert.equal(producer.parentSpanContext?.spanId, spanId);
    assert.equal(message.headers.traceparent, `00-${traceId}-${producer.spanContext().spanId}-01`);
  });

  test('two relays publish 1,000 events on 50 keys exactly once, each key in commit order', async () => {
    fixture = await createRelayFixture();
    const accounts = Array.from({ length: 50 }, (_, i) => `acc-${i}`);
    // Half waits as a backlog, half is committed while the relays run.
    const backlog = await appendPerAccount(fixture.database.db, fixture.outbox, accounts, 10);
    const options = { concurrency: 2, batchSize: 40 };
    const one = await start({ ...options, service: 'relay-one' });
    const two = await start({ ...options, service: 'relay-two' });
    const live = await appendPerAccount(fixture.database.db, fixture.outbox, accounts, 10);
    await Promise.all([one.flush(), two.flush()]);
    const committed = (account: string) => [...(backlog.get(account) ?? []), ...(live.get(account) ?? [])];

    const messages = await readStream(fixture.bus, fixture.stream);
    assert.equal(messages.length, 1_000);
    assert.equal(new Set(messages.map((m) => m.headers[EventHeader.eventId])).size, 1_000);
    for (const account of accounts) {
      const published = messages
        .filter((m) => m.headers[EventHeader.aggregateId] === account)
        .map((m) => m.headers[EventHeader.eventId]);
      assert.deepEqual(published, committed(account), `events of ${account} in commit order`);
    }
    const published = await metricsRegistry.getSingleMetric('paymesh_outbox_published_total')?.get();
    const byRelay = (service: string) =>
      published?.values.find((v) => v.labels.service === service)?.value ?? 0;
    assert.ok(byRelay('relay-one') > 0 && byRelay('relay-two') > 0, 'both relays published');
    assert.equal(byRelay('relay-one') + byRelay('relay-two'), 1_000);
  });

  test('a failed publish stops its key at that event, counts the attempt and keeps the error', async () => {
    fixture = await createRelayFixture();
    const unrouted = createOutbox({ namespace: fixture.namespace, context: 'unrouted' });
    const [blocked, behind] = await fixture.database.db.transaction((tx) =>
      unrouted.append(tx, entryRecorded('acc-1', 1), entryRecorded('acc-1', 2)),
    );
    const [other] = await fixture.database.db.transaction((tx) =>
      fixture.outbox.append(tx, entryRecorded('acc-2', 1)),
    );
    const state = async (id: string | undefined) => {
      const { rows } = await fixture.database.db.$client.query<{
        attempts: number;
        last_error: string | null;
        published: boolean;
      }>('select attempts, last_error, published_at is not null as published from outbox where id = $1', [
        id,
      ]);
      return rows[0];
    };
    await start({ service: 'relay-failing', publishTimeoutMs: 1_000 });

    await waitFor('the unrouted event to be tried', async () => ((await state(blocked))?.attempts ?? 0) >= 1);
    assert.equal((await state(other))?.published, true, 'other keys go on');
    const failed = await state(blocked);
    assert.equal(failed?.published, false);
    assert.ok(failed?.last_error, 'the error is kept');
    assert.deepEqual(await state(behind), { attempts: 0, last_error: null, published: false });

    const stream = eventNames(fixture.namespace).stream('unrouted');
    await ensureStream(await fixture.bus.jsm(), stream, [
      eventNames(fixture.namespace).contextSubjects('unrouted'),
    ]);
    await waitFor('the key to drain', async () => (await fixture.pendingIds()).length === 0);
    const messages = await readStream(fixture.bus, stream);
    assert.deepEqual(
      messages.map((m) => m.headers[EventHeader.eventId]),
      [blocked, behind],
    );
  });

  test('a relay whose LISTEN connection was killed listens again and wakes at commit', async () => {
    fixture = await createRelayFixture();
    const relay = await start({ service: 'relay-relisten', pollIntervalMs: 120_000 });
    const pool = fixture.database.db.$client;
    const listenerPid = async () => {
      const { rows } = await pool.query<{ pid: number }>(
        `select pid from pg_stat_activity
         where datname = current_database() and application_name = 'relay-relisten-outbox-listener'
           and query ilike 'listen%'`,
      );
      return rows[0]?.pid;
    };
    await waitFor('the relay to listen', async () => (await listenerPid()) !== undefined);
    const killed = await listenerPid();
    await pool.query('select pg_terminate_backend($1)', [killed]);
    await waitFor(
      'the relay to listen again',
      async () => ![undefined, killed].includes(await listenerPid()),
    );
    await relay.flush();

    await fixture.database.db.transaction((tx) => fixture.outbox.append(tx, entryRecorded('acc-1', 1)));
    await waitFor(
      'the event to be published well before the next poll',
      async () => {
        return (await fixture.pendingIds()).length === 0;
      },
      { timeoutMs: 10_000 },
    );
  });

  test('stop publishes what is pending before it returns', async () => {
    fixture = await createRelayFixture();
    await appendPerAccount(fixture.database.db, fixture.outbox, ['acc-1', 'acc-2', 'acc-3'], 100);
    const relay = await start({ service: 'relay-stopping', concurrency: 2, batchSize: 20 });
    await relay.stop();
    assert.deepEqual(await fixture.pendingIds(), []);
    assert.equal((await readStream(fixture.bus, fixture.stream)).length, 300);
  });

  test('commits that land while an idle relay lingers after a NOTIFY go out in one claim', async () => {
    fixture = await createRelayFixture();
    await start({ service: 'relay-linger', concurrency: 1, lingerMs: 1_000 });
    const commits = ['acc-1', 'acc-2', 'acc-3', 'acc-4', 'acc-5'].map((account, i) =>
      fixture.database.db.transaction((tx) => fixture.outbox.append(tx, entryRecorded(account, i + 1))),
    );
    await Promise.all(commits);
    await waitFor('every row published', async () => (await fixture.pendingIds()).length === 0, {
      timeoutMs: 10_000,
    });
    const claims = await metricsRegistry.getSingleMetric('paymesh_outbox_claim_events')?.get();
    const of = (name: string) =>
      claims?.values.find(
        (v) => (v as { metricName?: string }).metricName === name && v.labels.service === 'relay-linger',
      )?.value;
    assert.equal(of('paymesh_outbox_claim_events_count'), 1, 'one claim');
    assert.equal(of('paymesh_outbox_claim_events_sum'), 5, 'of all five events');
    assert.equal((await readStream(fixture.bus, fixture.stream)).length, 5);
  });
});
