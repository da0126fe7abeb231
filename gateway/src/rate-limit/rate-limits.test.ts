import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import { createRateLimits, setRateLimitHeaders, tighter } from './rate-limits.js';

const logger = createLogger('gateway-test', 'silent');

describe('in-memory rate limits', () => {
  it('counts down a user budget and refuses the call beyond it, other users unaffected', async () => {
    const limits = createRateLimits({ perUser: 2, perIp: 100, windowSeconds: 10, namespace: 'unit', logger });
    assert.equal(limits.store, 'memory');
    const first = await limits.byUser('alice');
    const second = await limits.byUser('alice');
    const third = await limits.byUser('alice');
    assert.deepEqual(
      [first, second, third].map((v) => [v.refused, v.remaining]),
      [
        [false, 1],
        [false, 0],
        [true, 0],
      ],
    );
    assert.ok(third.resetSeconds >= 1 && third.resetSeconds <= 10);
    assert.equal((await limits.byUser('bob')).refused, false);
  });

  it('writes the standard headers, Retry-After only when refused', async () => {
    const limits = createRateLimits({ perUser: 1, perIp: 1, windowSeconds: 30, namespace: 'unit', logger });
    const admitted = await limits.byAddress('192.0.2.1');
    const refused = await limits.byAddress('192.0.2.1');
    const ok = new Headers();
    setRateLimitHeaders(ok, admitted);
    assert.equal(ok.get('RateLimit-Limit'), '1');
    assert.equal(ok.get('RateLimit-Remaining'), '0');
    assert.equal(ok.has('Retry-After'), false);
    const no = new Headers();
    setRateLimitHeaders(no, refused);
    assert.equal(no.get('Retry-After'), no.get('RateLimit-Reset'));
    assert.ok(Number(no.get('Retry-After')) >= 1);
  });

  it('shows the budget closer to exhaustion', () => {
    const ip = { scope: 'ip', refused: false, limit: 100, remaining: 90, resetSeconds: 5 } as const;
    const user = { scope: 'user', refused: false, limit: 10, remaining: 2, resetSeconds: 5 } as const;
    assert.equal(tighter(ip, user), user);
    assert.equal(tighter(ip, { ...user, remaining: 10 }), ip);
  });
});
