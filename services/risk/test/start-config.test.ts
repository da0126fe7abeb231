/** The service refuses to start on a bad RISK_AMOUNT_LIMITS, saying which variable is wrong and why. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ConfigError } from '@paymesh/platform/config/config';
import { createTestServiceEnv, type TestServiceEnv } from '@paymesh/platform/testing/service-env';
import { risk } from '../src/service.js';

let testEnv: TestServiceEnv;

before(async () => {
  testEnv = await createTestServiceEnv({ service: 'risk', contexts: ['risk', 'accounts', 'transactions'] });
});

after(async () => {
  await testEnv?.cleanup();
});

const badLimits: [string, string, RegExp][] = [
  ['is not JSON', '{"*": 100', /RISK_AMOUNT_LIMITS: is not JSON/],
  ['has a fractional limit', '{"*": "100", "EUR": 12.5}', /RISK_AMOUNT_LIMITS: "EUR" must be a whole number/],
  [
    'names no default for other currencies',
    '{"EUR": "100"}',
    /RISK_AMOUNT_LIMITS: must give the limit .* "\*"/,
  ],
];

for (const [what, value, message] of badLimits) {
  it(`fails to start when RISK_AMOUNT_LIMITS ${what}, naming the variable`, async () => {
    await assert.rejects(
      risk.start({ source: { ...testEnv.env, RISK_AMOUNT_LIMITS: value } }),
      (err: unknown) => err instanceof ConfigError && message.test(err.message),
    );
  });
}
