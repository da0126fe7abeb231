import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { DomainError } from '@paymesh/platform/errors/domain-error';
import { parseRateSettings } from './rate-settings.js';

const violatedFields = (run: () => unknown): string[] => {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, Code.InvalidArgument);
    return err.violations.map((v) => `${v.field}:${v.rule}`);
  }
  assert.fail('expected INVALID_ARGUMENT');
};

describe('parseRateSettings', () => {
  it('reads each rate as an exact scaled decimal', () => {
    assert.deepEqual(
      parseRateSettings([
        { currency: 'EUR', rate: '1.0850' },
        { currency: 'USD', rate: '1.000' },
      ]),
      [
        { currency: 'EUR', rate: 1_085_000_000_000n },
        { currency: 'USD', rate: 1_000_000_000_000n },
      ],
    );
  });

  it('refuses a reference rate other than 1', () => {
    assert.deepEqual(
      violatedFields(() => parseRateSettings([{ currency: 'USD', rate: '1.01' }])),
      ['rates[0].rate:reference'],
    );
  });

  it('refuses a zero rate, a duplicate currency and a malformed rate, naming each field', () => {
    assert.deepEqual(
      violatedFields(() =>
        parseRateSettings([
          { currency: 'EUR', rate: '1.1' },
          { currency: 'GBP', rate: '0.000' },
          { currency: 'EUR', rate: '1.2' },
          { currency: 'JPY', rate: '1.2.3' },
        ]),
      ),
      ['rates[1].rate:gt', 'rates[2].currency:unique', 'rates[3].rate:decimal'],
    );
  });
});
