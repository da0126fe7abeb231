import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateHash, aggregateLockKey, OUTBOX_PARTITIONS, partitionOf } from './partition.js';

test('the aggregate hash is 32-bit FNV-1a, so partitions never move between releases', () => {
  assert.equal(aggregateHash(''), 0x811c9dc5);
  assert.equal(aggregateHash('a'), 0xe40c292c);
  assert.equal(aggregateHash('foobar'), 0xbf9cf968);
  assert.equal(partitionOf('foobar'), 0xbf9cf968 % OUTBOX_PARTITIONS);
});

test('the lock key is the hash as a signed 32-bit integer', () => {
  assert.equal(aggregateLockKey('foobar'), 0xbf9cf968 - 2 ** 32);
  assert.equal(aggregateLockKey('a'), 0xe40c292c - 2 ** 32);
});

test('every partition is in range and a spread of aggregates uses them all', () => {
  const used = new Set(Array.from({ length: 1_000 }, (_, i) => partitionOf(`acc-${i}`)));
  assert.ok([...used].every((p) => Number.isInteger(p) && p >= 0 && p < OUTBOX_PARTITIONS));
  assert.equal(used.size, OUTBOX_PARTITIONS);
});
