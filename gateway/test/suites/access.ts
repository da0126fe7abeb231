/** Who may call: tokens verified, roles required, anonymous methods open to anyone. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { AccountStatus, AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { Role, UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { failure, gatewayClient, logIn, PASSWORD, signUp } from '../support/gateway-clients.js';
import type { GatewaySystem } from '../support/gateway-system.js';
import { available, fund, openAccount } from '../support/money-moves.js';

export function accessSuite(sys: () => GatewaySystem) {
  describe('authentication', () => {
    it('refuses a call needing a token without one: UNAUTHENTICATED, TOKEN_MISSING', async () => {
      const { url } = sys();
      const alice = await signUp(url, 'alice');
      const anonymous = gatewayClient(url, AccountsService);
      const err = await failure(anonymous.listAccounts({ ownerId: alice.userId }));
      assert.equal(err.code, Code.Unauthenticated);
      assert.equal(reasonOf(err), 'TOKEN_MISSING');
    });

    it('refuses a forged token (same key id and claims, another key) and a malformed one', async () => {
      const { url } = sys();
      const alice = await signUp(url, 'alice');
      const { kid } = decodeProtectedHeader(alice.token);
      const claims = decodeJwt(alice.token);
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid }).sign(privateKey);
      for (const token of [forged, `${alice.token.slice(0, -4)}AAAA`, 'not.a.jwt', 'x']) {
        const err = await failure(gatewayClient(url, UsersService, token).getUser({ userId: alice.userId }));
        assert.equal(err.code, Code.Unauthenticated, token);
        assert.equal(reasonOf(err), 'TOKEN_INVALID');
      }
      assert.equal((await alice.users.getUser({ userId: alice.userId })).user?.userId, alice.userId);
    });

    it('lets anyone call an anonymous method, even with a stale token the app still sends', async () => {
      const { url } = sys();
      const alice = await signUp(url, 'alice');
      const stale = `${alice.token.slice(0, -4)}AAAA`;
      const users = gatewayClient(url, UsersService, stale);
      const { accessToken } = await users.login({ email: alice.email, password: PASSWORD });
      assert.ok(accessToken);
    });
  });

  describe('roles', () => {
    it('refuses a customer the operator methods: PERMISSION_DENIED, ROLE_REQUIRED', async () => {
      const { url } = sys();
      const alice = await signUp(url, 'alice');
      const account = await openAccount(alice);
      const calls = [
        () =>
          alice.accounts.creditAccount({
            creditId: randomUUID(),
            accountId: account,
            amount: 100n,
            currency: 'EUR',
          }),
        () => alice.accounts.freezeAccount({ accountId: account, reason: 'mine' }),
        () => alice.currency.updateRates({ rates: [{ currency: 'EUR', rate: '2' }] }),
        () => alice.users.grantRole({ userId: alice.userId, role: Role.OPERATOR }),
      ];
      for (const call of calls) {
        const err = await failure(call());
        assert.equal(err.code, Code.PermissionDenied);
        assert.equal(reasonOf(err), 'ROLE_REQUIRED');
      }
      assert.equal(await available(alice, account), 0n);
    });

    it('lets an operator credit, freeze, update rates and grant roles', async () => {
      const { url, operator } = sys();
      const alice = await signUp(url, 'alice');
      const account = await openAccount(alice);
      await fund(operator, account, 25_00n);
      assert.equal(await available(alice, account), 25_00n);

      const frozen = await openAccount(alice);
      const { account: after } = await operator.accounts.freezeAccount({ accountId: frozen, reason: 'test' });
      assert.equal(after?.status, AccountStatus.FROZEN);

      const { rates } = await operator.currency.getRates({});
      const eur = rates.find((r) => r.currency === 'EUR');
      assert.ok(eur);
      const updated = await operator.currency.updateRates({ rates: [{ currency: 'EUR', rate: eur.rate }] });
      assert.equal(updated.rates.find((r) => r.currency === 'EUR')?.rate, eur.rate);

      const carol = await signUp(url, 'carol');
      const { user } = await operator.users.grantRole({ userId: carol.userId, role: Role.AUDITOR });
      assert.ok(user?.roles.includes(Role.AUDITOR));
      // Roles travel in the token: the new one counts from the next login, and an auditor reads
      // anyone's account but changes nothing.
      const auditor = await logIn(url, carol.email);
      const { account: seen } = await auditor.accounts.getAccount({ accountId: account });
      assert.equal(seen?.ownerId, alice.userId);
      const err = await failure(auditor.accounts.freezeAccount({ accountId: account, reason: 'x' }));
      assert.equal(err.code, Code.PermissionDenied);
    });
  });
}
