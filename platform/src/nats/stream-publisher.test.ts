import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { headers } from '@nats-io/nats-core';
import { SHARED_NATS_URL, uniqueNamespace } from '../testing/nats.js';
import { type Bus, connectBus } from './connection.js';
import { StreamPublishError } from './stream-publisher.js';
import { ensureStream } from './streams.js';

const payload = new TextEncoder().encode('payload');

describe('stream publisher (real NATS)', () => {
  const namespace = uniqueNamespace('pub');
  const stream = `${namespace.toUpperCase()}_PUB`;
  let bus: Bus;

  before(async () => {
    bus = await connectBus(SHARED_NATS_URL, `${namespace}-test`);
    await ensureStream(await bus.jsm(), stream, [`${namespace}.pub.>`]);
  });
  after(async () => {
    await (await bus.jsm()).streams.delete(stream).catch(() => {});
    await bus.close();
  });

  it('answers each publish with its own stream sequence, many in flight at once', async () => {
    const acks = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        bus.streams.publish(`${namespace}.pub.k${i % 7}`, payload, { msgId: `m-${i}`, timeoutMs: 5_000 }),
      ),
    );
    assert.ok(acks.every((ack) => ack.stream === stream && !ack.duplicate));
    assert.deepEqual(
      acks.map((ack) => ack.seq).sort((a, b) => a - b),
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    const stored = await (await bus.jsm()).streams.getMessage(stream, { seq: acks[42]?.seq as number });
    assert.equal(stored?.header.get('Nats-Msg-Id'), 'm-42');
  });

  it('says duplicate when the stream holds the Nats-Msg-Id already, and keeps the given headers', async () => {
    const h = headers();
    h.set('Paymesh-Event-Id', 'e-1');
    const first = await bus.streams.publish(`${namespace}.pub.dup`, payload, {
      msgId: 'same',
      headers: h,
      timeoutMs: 5_000,
    });
    const second = await bus.streams.publish(`${namespace}.pub.dup`, payload, {
      msgId: 'same',
      timeoutMs: 5_000,
    });
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    assert.equal(second.seq, first.seq);
    const stored = await (await bus.jsm()).streams.getMessage(stream, { seq: first.seq });
    assert.equal(stored?.header.get('Paymesh-Event-Id'), 'e-1');
  });

  it('refuses a subject no stream captures as no_responders', async () => {
    await assert.rejects(
      bus.streams.publish(`${namespace}.nowhere.k`, payload, { timeoutMs: 5_000 }),
      (err: unknown) => err instanceof StreamPublishError && err.code === 'no_responders',
    );
  });

  it('passes on the refusal JetStream gives (an expectation the stream does not meet)', async () => {
    const h = headers();
    h.set('Nats-Expected-Stream', 'SOME_OTHER_STREAM');
    await assert.rejects(
      bus.streams.publish(`${namespace}.pub.k0`, payload, { headers: h, timeoutMs: 5_000 }),
      (err: unknown) =>
        err instanceof StreamPublishError && /^\d+$/.test(err.code) && /stream/i.test(err.message),
    );
  });

  it('times out a publish that something other than a stream takes and never answers', async () => {
    const silent = bus.nc.subscribe(`${namespace}.silent`);
    try {
      await assert.rejects(
        bus.streams.publish(`${namespace}.silent`, payload, { timeoutMs: 200 }),
        (err: unknown) => err instanceof StreamPublishError && err.code === 'timeout',
      );
    } finally {
      silent.unsubscribe();
    }
  });

  it('fails what waits, and what comes after, once closed', async () => {
    const own = await connectBus(SHARED_NATS_URL, `${namespace}-closing`);
    const silent = own.nc.subscribe(`${namespace}.silent2`);
    const waiting = own.streams.publish(`${namespace}.silent2`, payload, { timeoutMs: 60_000 });
    own.streams.close();
    await assert.rejects(
      waiting,
      (err: unknown) => err instanceof StreamPublishError && err.code === 'closed',
    );
    await assert.rejects(
      own.streams.publish(`${namespace}.pub.k0`, payload, { timeoutMs: 5_000 }),
      (err: unknown) => err instanceof StreamPublishError && err.code === 'closed',
    );
    silent.unsubscribe();
    await own.close();
  });
});
