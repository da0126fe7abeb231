import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duration, evaluateRules, type RiskPolicy, type SourceAccountFacts } from './rules.js';

const now = new Date('2030-01-01T12:00:00Z');
const policy: RiskPolicy = {
  amountLimits: { byCurrency: new Map([['JPY', 5_000_000n]]), fallback: 100_000_000n },
  velocityWindowMs: 3_600_000,
  velocityMaxCount: 3,
  velocityMaxAmount: 500_000_000n,
  newAccountAgeMs: 86_400_000,
  newAccountLimit: 10_000_000n,
};
const oldAccount: SourceAccountFacts = {
  completedCount: 0,
  completedAmount: 0n,
  openedAt: new Date('2029-01-01T00:00:00Z'),
};
const rulesOf = (assessment: ReturnType<typeof evaluateRules>) => assessment.reasons.map((r) => r.rule);

describe('evaluateRules', () => {
  it('approves a transfer no rule objects to, with no reasons', () => {
    const assessment = evaluateRules({ amount: 1_000n, currency: 'EUR' }, oldAccount, policy, now);
    assert.deepEqual(assessment, { outcome: 'APPROVE', reasons: [] });
  });

  it('denies an amount over the default limit and says both figures', () => {
    const { outcome, reasons } = evaluateRules(
      { amount: 100_000_001n, currency: 'EUR' },
      oldAccount,
      policy,
      now,
    );
    assert.equal(outcome, 'DENY');
    assert.deepEqual(
      reasons.map((r) => r.rule),
      ['amount_limit'],
    );
    assert.match(reasons[0]?.detail ?? '', /100000001.*EUR limit of 100000000/);
  });

  it('allows exactly the limit', () => {
    const assessment = evaluateRules({ amount: 100_000_000n, currency: 'EUR' }, oldAccount, policy, now);
    assert.equal(assessment.outcome, 'APPROVE');
  });

  it('applies a currency’s own limit instead of the default', () => {
    const jpy = evaluateRules({ amount: 5_000_001n, currency: 'JPY' }, oldAccount, policy, now);
    assert.deepEqual(rulesOf(jpy), ['amount_limit']);
    assert.match(jpy.reasons[0]?.detail ?? '', /JPY limit of 5000000/);
    const eur = evaluateRules({ amount: 5_000_001n, currency: 'EUR' }, oldAccount, policy, now);
    assert.equal(eur.outcome, 'APPROVE');
  });

  it('denies when this transfer would take the window’s count over the maximum', () => {
    const atMax = evaluateRules(
      { amount: 1n, currency: 'EUR' },
      { ...oldAccount, completedCount: 2 },
      policy,
      now,
    );
    assert.equal(atMax.outcome, 'APPROVE', 'two done plus this one is exactly the maximum of three');
    const over = evaluateRules(
      { amount: 1n, currency: 'EUR' },
      { ...oldAccount, completedCount: 3 },
      policy,
      now,
    );
    assert.equal(over.outcome, 'DENY');
    assert.deepEqual(rulesOf(over), ['velocity_count']);
    assert.match(
      over.reasons[0]?.detail ?? '',
      /completed 3 transfers in the last 1 h.*4, over the limit of 3/,
    );
  });

  it('sends to review when the window’s sum plus this amount exceeds the maximum', () => {
    const facts = { ...oldAccount, completedAmount: 450_000_000n };
    const atMax = evaluateRules({ amount: 50_000_000n, currency: 'EUR' }, facts, policy, now);
    assert.equal(atMax.outcome, 'APPROVE');
    const over = evaluateRules({ amount: 50_000_001n, currency: 'EUR' }, facts, policy, now);
    assert.equal(over.outcome, 'REVIEW');
    assert.deepEqual(rulesOf(over), ['velocity_amount']);
    assert.match(
      over.reasons[0]?.detail ?? '',
      /moved 450000000 EUR.*500000001, over the limit of 500000000/,
    );
  });

  it('sends a big transfer from an account opened less than the age ago to review', () => {
    const young = { ...oldAccount, openedAt: new Date(now.getTime() - 5 * 60_000) };
    const big = evaluateRules({ amount: 10_000_001n, currency: 'EUR' }, young, policy, now);
    assert.equal(big.outcome, 'REVIEW');
    assert.deepEqual(rulesOf(big), ['new_account_limit']);
    assert.match(big.reasons[0]?.detail ?? '', /opened 5 min ago, less than 1 d.*10000001 exceeds.*10000000/);
    const small = evaluateRules({ amount: 10_000_000n, currency: 'EUR' }, young, policy, now);
    assert.equal(small.outcome, 'APPROVE');
  });

  it('treats an account exactly the age old as no longer new', () => {
    const facts = { ...oldAccount, openedAt: new Date(now.getTime() - policy.newAccountAgeMs) };
    const assessment = evaluateRules({ amount: 50_000_000n, currency: 'EUR' }, facts, policy, now);
    assert.equal(assessment.outcome, 'APPROVE');
  });

  it('counts an account risk never saw opened as new', () => {
    const unseen = { ...oldAccount, openedAt: undefined };
    const assessment = evaluateRules({ amount: 10_000_001n, currency: 'EUR' }, unseen, policy, now);
    assert.deepEqual(rulesOf(assessment), ['new_account_limit']);
    assert.match(assessment.reasons[0]?.detail ?? '', /no record of the source account being opened/);
  });

  it('lists every objection and lets DENY win over REVIEW', () => {
    const facts = { completedCount: 3, completedAmount: 499_000_000n, openedAt: undefined };
    const assessment = evaluateRules({ amount: 200_000_000n, currency: 'EUR' }, facts, policy, now);
    assert.equal(assessment.outcome, 'DENY');
    assert.deepEqual(rulesOf(assessment), [
      'amount_limit',
      'velocity_count',
      'velocity_amount',
      'new_account_limit',
    ]);
  });

  it('lets REVIEW win over APPROVE when only soft rules object', () => {
    const facts = { completedCount: 0, completedAmount: 499_000_000n, openedAt: undefined };
    const assessment = evaluateRules({ amount: 20_000_000n, currency: 'EUR' }, facts, policy, now);
    assert.equal(assessment.outcome, 'REVIEW');
    assert.deepEqual(rulesOf(assessment), ['velocity_amount', 'new_account_limit']);
  });
});

describe('duration', () => {
  it('names a duration in the largest exact unit, else the largest whole one', () => {
    assert.equal(duration(3_600_000), '1 h');
    assert.equal(duration(86_400_000), '1 d');
    assert.equal(duration(90_000), '90 s');
    assert.equal(duration(303_200), '5 min');
    assert.equal(duration(250), '250 ms');
  });
});
