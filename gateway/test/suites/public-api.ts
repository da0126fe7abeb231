/** What is public: the contract-marked methods in every protocol; nothing else. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { failure, gatewayClient, type Protocol } from '../support/gateway-clients.js';
import type { GatewaySystem } from '../support/gateway-system.js';

export function publicApiSuite(sys: () => GatewaySystem) {
  describe('the public API', () => {
    for (const protocol of ['connect-json', 'connect-binary', 'grpc-web', 'grpc'] satisfies Protocol[]) {
      it(`answers an anonymous call over ${protocol}`, async () => {
        const { rates, referenceCurrency } = await gatewayClient(
          sys().url,
          CurrencyService,
          undefined,
          protocol,
        ).getRates({});
        assert.equal(referenceCurrency, 'USD');
        assert.ok(rates.some((r) => r.currency === 'EUR'));
      });
    }

    it('does not serve internal methods, whoever asks and in whatever protocol', async () => {
      const { url, operator } = sys();
      const hold = { transferId: randomUUID(), accountId: randomUUID(), amount: 1n, currency: 'EUR' };
      for (const protocol of ['connect-json', 'grpc-web', 'grpc'] satisfies Protocol[]) {
        const accounts = gatewayClient(url, AccountsService, operator.token, protocol);
        assert.equal((await failure(accounts.holdFunds(hold))).code, Code.Unimplemented, protocol);
        assert.equal(
          (await failure(accounts.captureHold({ transferId: randomUUID() }))).code,
          Code.Unimplemented,
          protocol,
        );
      }
      const risk = gatewayClient(url, RiskService, operator.token);
      assert.equal(
        (await failure(risk.assessTransfer({ transferId: randomUUID() }))).code,
        Code.Unimplemented,
      );
      const users = gatewayClient(url, UsersService, operator.token);
      assert.equal((await failure(users.getJwks({}))).code, Code.Unimplemented);
    });
  });
}
