import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figureOf, median, quantile } from './lib.js';

describe('quantile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('gives the value at rank ⌈q·n⌉ of the sorted values', () => {
    assert.equal(quantile(hundred, 0.5), 50);
    assert.equal(quantile(hundred, 0.95), 95);
    assert.equal(quantile(hundred, 0.99), 99);
    assert.equal(quantile(hundred, 1), 100);
  });

  it('gives the smallest value for q = 0 and the only value of one sample', () => {
    assert.equal(quantile(hundred, 0), 1);
    assert.equal(quantile([42], 0.99), 42);
  });

  it('is NaN without values', () => {
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});

describe('figureOf', () => {
  it('compares the medians and says whether the ratio meets the goal', () => {
    const figure = figureOf({
      name: 'gateway-load',
      unit: 'transfers/s',
      samples: [30, 50, 40],
      baseline: { name: 'pg-transfer-leg', samples: [100, 300, 200] },
      goalRatio: 0.2,
    });
    assert.equal(figure.value, 40);
    assert.equal(figure.baseline.value, 200);
    assert.equal(figure.ratio, 0.2);
    assert.deepEqual(figure.goal, { ratio: 0.2, met: true });
  });

  it('misses a goal the ratio falls short of, and has none when none is given', () => {
    const base = { name: 'b', samples: [100] };
    assert.deepEqual(figureOf({ name: 'x', unit: 'u', samples: [19], baseline: base, goalRatio: 0.2 }).goal, {
      ratio: 0.2,
      met: false,
    });
    assert.equal(figureOf({ name: 'x', unit: 'u', samples: [19], baseline: base }).goal, undefined);
  });
});
