import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapseRepeats, stepLabel } from './transfer-steps';

describe('collapseRepeats', () => {
  it('folds a step retried in a row into one line that counts the tries and keeps the last', () => {
    const steps = [
      { name: 'quote', status: 'retrying', attempt: 1 },
      { name: 'quote', status: 'retrying', attempt: 2 },
      { name: 'quote', status: 'retrying', attempt: 3 },
      { name: 'quote', status: 'succeeded', attempt: 4 },
      { name: 'hold', status: 'succeeded', attempt: 1 },
    ];
    assert.deepEqual(
      collapseRepeats(steps).map(({ step, times }) => [step.name, step.status, step.attempt, times]),
      [
        ['quote', 'retrying', 3, 3],
        ['quote', 'succeeded', 4, 1],
        ['hold', 'succeeded', 1, 1],
      ],
    );
  });

  it('keeps the same step apart when something happened in between', () => {
    const steps = [
      { name: 'hold', status: 'failed' },
      { name: 'release', status: 'succeeded' },
      { name: 'hold', status: 'failed' },
    ];
    assert.equal(collapseRepeats(steps).length, 3);
  });
});

describe('stepLabel', () => {
  it('names known steps for a person and spells out unknown ones', () => {
    assert.equal(stepLabel('assess_risk'), 'Security check');
    assert.equal(stepLabel('notify_owner'), 'Notify owner');
  });
});
