import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../telemetry/logger.js';
import { periodicJob } from './periodic-job.js';

const logger = createLogger('job-test', 'silent');

describe('periodicJob', () => {
  it('runs again at once while a pass reports more work, then waits the interval', async () => {
    let passes = 0;
    const job = periodicJob({ name: 'drain', intervalMs: 60_000, run: async () => ++passes < 5 }, logger);
    job.start?.(new AbortController().signal);
    await sleep(100);
    await job.stop?.();
    assert.equal(passes, 5, 'four passes with more work, then one that found none, then the long pause');
  });

  it('never overlaps a pass with another, even when asked to run once meanwhile', async () => {
    let running = 0;
    let maxRunning = 0;
    const job = periodicJob(
      {
        name: 'slow',
        intervalMs: 1,
        run: async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(5);
          running--;
        },
      },
      logger,
    );
    job.start?.(new AbortController().signal);
    await Promise.all([job.runOnce(), job.runOnce(), job.runOnce()]);
    await job.stop?.();
    assert.equal(maxRunning, 1);
  });

  it('keeps running after a failing pass and lets the current pass finish on stop', async () => {
    let passes = 0;
    let finished = false;
    const job = periodicJob(
      {
        name: 'flaky',
        intervalMs: 1,
        maxBackoffMs: 5,
        run: async () => {
          passes++;
          if (passes === 1) throw new Error('database restarting');
          await sleep(20);
          finished = true;
        },
      },
      logger,
    );
    job.start?.(new AbortController().signal);
    await sleep(10);
    await job.stop?.();
    assert.ok(passes >= 2, 'a failure does not end the job');
    assert.equal(finished, true, 'stop waited for the pass in progress');
  });
});
