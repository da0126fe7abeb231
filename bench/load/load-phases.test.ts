import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clientEffort,
  closedLoop,
  completedPerSecond,
  completionLatencies,
  openLoop,
  outcomeCounts,
  type PhaseRecord,
  type TransferEnd,
  type TransferOutcome,
} from './load-phases.js';

/** A driver whose n-th transfer ends as `ends[n % ends.length]`, after a macrotask. */
function driver(ends: TransferEnd[]) {
  let n = 0;
  return async (): Promise<TransferOutcome> => {
    const end = ends[n++ % ends.length] as TransferEnd;
    const startedAt = performance.now();
    await new Promise((resolve) => setImmediate(resolve));
    const endedAt = performance.now();
    return {
      end,
      ms: endedAt - startedAt,
      endedAt,
      attempts: end === 'ERROR' ? 3 : 1,
      watched: end === 'FAILED',
      ...(end === 'COMPLETED' ? {} : { reason: end === 'ERROR' ? 'Unavailable' : 'INSUFFICIENT_FUNDS' }),
    };
  };
}

describe('openLoop', () => {
  it('starts one transfer every 1/rate seconds of the duration and waits for each to end', async () => {
    const phase = await openLoop(driver(['COMPLETED']), {
      label: 'half',
      ratePerSecond: 50,
      durationMs: 200,
    });
    assert.equal(phase.outcomes.length, 10);
    assert.equal(completionLatencies(phase).length, 10);
  });
});

describe('closedLoop', () => {
  it('keeps going until the duration is over and records every transfer that ended', async () => {
    const phase = await closedLoop(driver(['COMPLETED', 'FAILED']), {
      label: 'max',
      concurrency: 4,
      durationMs: 50,
    });
    assert.ok(phase.outcomes.length >= 4, 'every worker made at least one transfer');
    const perSecond = completedPerSecond(phase);
    assert.equal(
      perSecond.reduce((a, b) => a + b, 0),
      completionLatencies(phase).length,
      'the timeline counts each completed transfer once',
    );
  });
});

describe('outcomeCounts and clientEffort', () => {
  it('count each way a transfer ended, with its reason, and what the client had to do', async () => {
    const phase: PhaseRecord = await openLoop(driver(['COMPLETED', 'FAILED', 'ERROR', 'COMPLETED']), {
      label: 'mixed',
      ratePerSecond: 100,
      durationMs: 80,
    });
    assert.deepEqual(outcomeCounts([phase]), {
      COMPLETED: 4,
      'FAILED INSUFFICIENT_FUNDS': 2,
      'ERROR Unavailable': 2,
    });
    assert.deepEqual(clientEffort([phase]), { retried: 2, watched: 2 });
  });
});
