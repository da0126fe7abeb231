import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@paymesh/platform/config/config';
import { riskEnv } from './risk-env.js';

const load = (vars: Record<string, string>) => loadConfig(riskEnv, vars);

describe('riskEnv', () => {
  it('defaults to a 1,000,000.00 limit for every currency and the documented policy', () => {
    const config = load({});
    assert.equal(config.RISK_AMOUNT_LIMITS.fallback, 100_000_000n);
    assert.equal(config.RISK_AMOUNT_LIMITS.byCurrency.size, 0);
    assert.equal(config.RISK_VELOCITY_WINDOW_MS, 3_600_000);
    assert.equal(config.RISK_VELOCITY_MAX_COUNT, 50);
    assert.equal(config.RISK_VELOCITY_MAX_AMOUNT, 500_000_000n);
    assert.equal(config.RISK_NEW_ACCOUNT_AGE_MS, 86_400_000);
    assert.equal(config.RISK_NEW_ACCOUNT_LIMIT, 10_000_000n);
  });

  it('reads limits given as strings or integers, beyond the float-safe range as strings', () => {
    const config = load({ RISK_AMOUNT_LIMITS: '{"*": 5000, "JPY": "90071992547409930", "EUR": 12}' });
    assert.equal(config.RISK_AMOUNT_LIMITS.fallback, 5_000n);
    assert.deepEqual(
      [...config.RISK_AMOUNT_LIMITS.byCurrency],
      [
        ['JPY', 90_071_992_547_409_930n],
        ['EUR', 12n],
      ],
    );
  });

  const rejected: [string, string, RegExp][] = [
    ['not JSON', '{"*": ', /is not JSON/],
    ['a JSON array', '[1]', /must be a JSON object/],
    ['no default', '{"EUR": "5"}', /under "\*"/],
    ['a fractional limit', '{"*": 1.5}', /"\*" must be a whole number/],
    ['a negative limit', '{"*": "-5"}', /"\*" must be a whole number/],
    ['a lowercase currency', '{"*": "1", "eur": "5"}', /"eur" is not an ISO-4217 code/],
  ];
  for (const [what, value, message] of rejected) {
    it(`refuses ${what}, naming RISK_AMOUNT_LIMITS`, () => {
      assert.throws(
        () => load({ RISK_AMOUNT_LIMITS: value }),
        (err: unknown) =>
          err instanceof ConfigError && /RISK_AMOUNT_LIMITS: /.test(err.message) && message.test(err.message),
      );
    });
  }

  it('refuses a velocity amount that is not whole minor units', () => {
    assert.throws(() => load({ RISK_VELOCITY_MAX_AMOUNT: '12.5' }), /RISK_VELOCITY_MAX_AMOUNT/);
  });
});
