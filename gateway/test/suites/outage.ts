/**
 * An upstream killed under the gateway: its calls fail fast with UNAVAILABLE once the breaker
 * opens, /healthz says so, and everything recovers by itself when the upstream is back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, type ConnectError } from '@connectrpc/connect';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { failure, signUp } from '../support/gateway-clients.js';
import type { GatewaySystem } from '../support/gateway-system.js';
import { openAccount } from '../support/money-moves.js';

interface Healthz {
  status: string;
  upstreams: Record<string, { health: string; circuit?: string }>;
}

async function healthz(url: string): Promise<{ status: number; body: Healthz }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as Healthz };
}

export function outageSuite(sys: () => GatewaySystem) {
  describe('an upstream outage', () => {
    it('fails fast with UNAVAILABLE while accounts is down, shows it on /healthz, and recovers by itself', async () => {
      const { url, system } = sys();
      const jo = await signUp(url, 'jo');
      const account = await openAccount(jo);
      const read = () => jo.accounts.getAccount({ accountId: account });
      await read();

      await system.kill('accounts');
      let last: ConnectError | undefined;
      await waitFor(
        'the accounts circuit to open',
        async () => {
          last = await failure(read());
          return (await healthz(url)).body.upstreams.accounts?.circuit === 'open';
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      assert.equal(last?.code, Code.Unavailable);
      assert.doesNotMatch(last?.rawMessage ?? '', /127\.0\.0\.1|ECONNREFUSED/, 'no internal address leaks');

      // With the circuit open (above) the call is refused without trying accounts; how fast is for
      // the benchmarks to measure, not a test.
      const fast = await failure(read());
      assert.equal(fast.code, Code.Unavailable);
      assert.equal(fast.rawMessage, 'accounts is unavailable');

      const down = await healthz(url);
      assert.equal(down.status, 503);
      assert.equal(down.body.status, 'NOT_SERVING');
      assert.equal(down.body.upstreams.accounts?.health, 'UNREACHABLE');
      assert.equal(down.body.upstreams.users?.health, 'SERVING');

      await system.start('accounts');
      await waitFor(
        'calls to accounts to succeed again',
        () =>
          read().then(
            () => true,
            () => false,
          ),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      await waitFor('/healthz to serve again', async () => (await healthz(url)).status === 200, {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      assert.equal((await healthz(url)).body.upstreams.accounts?.circuit, 'closed');
    });
  });
}
