import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { createWorkerWakeups } from './worker-wakeups.js';

const LONG_MS = 60_000;

test('waking one worker wakes one waiting worker, not all', async () => {
  const wakeups = createWorkerWakeups(2);
  const woken: string[] = [];
  const first = wakeups.wait(LONG_MS).then(() => woken.push('first'));
  const second = wakeups.wait(LONG_MS).then(() => woken.push('second'));
  wakeups.wakeOne();
  await tick();
  assert.deepEqual(woken, ['first']);
  wakeups.wakeAll();
  await Promise.all([first, second]);
  assert.deepEqual(woken, ['first', 'second']);
});

test('a wake-up while every worker is busy is kept for the next one to wait', async () => {
  const wakeups = createWorkerWakeups(2);
  wakeups.wakeOne();
  wakeups.wakeOne();
  let woken = 0;
  const next = wakeups.wait(LONG_MS).then(() => woken++);
  const after = wakeups.wait(LONG_MS).then(() => woken++);
  await tick();
  assert.equal(woken, 1, 'wake-ups while busy fold into one');
  wakeups.wakeOne();
  await Promise.all([next, after]);
});

test('waking all lets every worker, busy or waiting, run once more', async () => {
  const wakeups = createWorkerWakeups(3);
  const waiting = wakeups.wait(LONG_MS);
  wakeups.wakeAll();
  await waiting;
  await Promise.all([wakeups.wait(LONG_MS), wakeups.wait(LONG_MS), wakeups.wait(LONG_MS)]);
});

test('a worker nobody wakes gets up when its wait is over', async () => {
  const wakeups = createWorkerWakeups(1);
  await wakeups.wait(1);
});
