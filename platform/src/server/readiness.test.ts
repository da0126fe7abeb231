import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../testing/wait-for.js';
import { Readiness } from './readiness.js';

describe('Readiness checks', () => {
  it('share one run among concurrent and close callers, then run again once the results are old', async () => {
    const readiness = new Readiness({ resultsTtlMs: 200 });
    let runs = 0;
    readiness.addCheck('database', async () => {
      runs++;
    });
    readiness.markServing();
    const answers = await Promise.all(Array.from({ length: 50 }, () => readiness.status()));
    assert.ok(answers.every((a) => a === 'SERVING'));
    await readiness.report();
    assert.equal(runs, 1);
    await waitFor('the results to age out and the check to run again', async () => {
      await readiness.status();
      return runs === 2;
    });
  });

  it('applies a change of phase at once, whatever the checks said', async () => {
    const readiness = new Readiness({ resultsTtlMs: 60_000 });
    readiness.addCheck('database', () => true);
    readiness.markServing();
    assert.equal(await readiness.status(), 'SERVING');
    readiness.markDraining();
    assert.equal(await readiness.status(), 'NOT_SERVING');
  });

  it('runs a check added later on the next call, not after the old results expire', async () => {
    const readiness = new Readiness({ resultsTtlMs: 60_000 });
    readiness.markServing();
    assert.equal(await readiness.status(), 'SERVING');
    readiness.addCheck('bus', () => false);
    assert.equal(await readiness.status(), 'NOT_SERVING');
  });
});
