import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryQueue } from './delivery-queue.js';

const d = (subject: string, n: number) => ({ subject, n });
const ids = (batch: { subject: string; n: number }[] | undefined) => batch?.map((x) => `${x.subject}${x.n}`);

describe('DeliveryQueue', () => {
  it('hands out batches in arrival order and never one subject to two workers', async () => {
    const queue = new DeliveryQueue<{ subject: string; n: number }>();
    for (const x of [d('a', 1), d('b', 1), d('a', 2), d('c', 1), d('b', 2), d('d', 1)]) queue.push(x);

    const first = await queue.next(3);
    assert.deepEqual(ids(first), ['a1', 'b1', 'a2']);
    // a and b are held: b2 must wait, c1 and d1 may go.
    const second = await queue.next(3);
    assert.deepEqual(ids(second), ['c1', 'd1']);

    let third: string[] | undefined;
    const waiting = queue.next(3).then((batch) => {
      third = ids(batch);
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(third, undefined, 'b2 waits while another worker holds b');
    queue.release(first ?? []);
    await waiting;
    assert.deepEqual(third, ['b2']);
  });

  it('keeps a subject behind its first left-over delivery when a batch is full', async () => {
    const queue = new DeliveryQueue<{ subject: string; n: number }>();
    for (const x of [d('a', 1), d('b', 1), d('b', 2), d('a', 2)]) queue.push(x);
    assert.deepEqual(ids(await queue.next(2)), ['a1', 'b1']);
    queue.push(d('c', 1));
    // b2 and a2 belong to subjects this worker still holds; c1 is free.
    assert.deepEqual(ids(await queue.next(2)), ['c1']);
  });

  it('ends workers once closed and drained', async () => {
    const queue = new DeliveryQueue<{ subject: string; n: number }>();
    queue.push(d('a', 1));
    queue.close();
    assert.deepEqual(ids(await queue.next(5)), ['a1']);
    assert.equal(await queue.next(5), undefined);
  });
});
