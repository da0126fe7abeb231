import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latencyHistogram, perSecond, roundWidth } from './histogram.js';

describe('roundWidth', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    assert.equal(roundWidth(0.7), 1);
    assert.equal(roundWidth(1), 1);
    assert.equal(roundWidth(1.1), 2);
    assert.equal(roundWidth(2.2), 2.5);
    assert.equal(roundWidth(3), 5);
    assert.equal(roundWidth(7), 10);
    assert.equal(roundWidth(0.03), 0.05);
    assert.equal(roundWidth(240), 250);
  });
});

describe('latencyHistogram', () => {
  it('puts each latency in the bucket of its lower edge, and counts every one', () => {
    const h = latencyHistogram('t', [0, 0.9, 1, 1.99, 2, 39.5], { buckets: 40 });
    assert.equal(h.bucketMs, 1);
    assert.equal(h.counts.length, 40);
    assert.deepEqual(h.counts.slice(0, 3), [2, 2, 1]);
    assert.equal(h.counts[39], 1);
    assert.equal(h.overflow, false);
    assert.equal(
      h.counts.reduce((a, b) => a + b, 0),
      6,
    );
  });

  it('gathers a tail far beyond the p99 into one overflow bucket', () => {
    const latencies = [...Array.from({ length: 999 }, (_, i) => 10 + (i % 10)), 5_000];
    const h = latencyHistogram('t', latencies);
    assert.ok(h.overflow);
    assert.equal(h.counts.at(-1), 1, 'only the 5 s straggler overflows');
    assert.ok(h.bucketMs * (h.counts.length - 1) < 100, 'the regular buckets stop near the bulk');
    assert.equal(h.max, 5_000);
    assert.equal(h.count, 1_000);
  });

  it('reaches as far as the goal so that the goal line falls inside', () => {
    const h = latencyHistogram('t', [5, 6, 7], { goalMs: 100 });
    assert.ok(h.bucketMs * h.counts.length >= 100);
    assert.equal(h.goalMs, 100);
  });

  it('reports nearest-rank percentiles', () => {
    const h = latencyHistogram(
      't',
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.deepEqual([h.p50, h.p95, h.p99, h.max], [50, 95, 99, 100]);
  });

  it('draws nothing from no latencies without failing', () => {
    const h = latencyHistogram('t', []);
    assert.equal(h.count, 0);
    assert.ok(h.counts.length > 0 && h.counts.every((n) => n === 0));
  });
});

describe('perSecond', () => {
  it('counts completions in each second from the start, a tail beyond the duration included', () => {
    const start = 1_000;
    assert.deepEqual(perSecond([1_000, 1_999, 2_000, 3_500, 4_200], start, 3_000), [2, 1, 1, 1]);
  });

  it('has a zero for every second without a completion', () => {
    assert.deepEqual(perSecond([2_500], 0, 4_000), [0, 0, 1, 0]);
  });
});
