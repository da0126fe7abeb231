/**
 * Tokens across a signing key rotation and past their expiry, on a gateway in front of a users
 * service of its own that rotates its key every few seconds and issues short-lived tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { credentialVariables } from '@paymesh/platform/mesh/certificates';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { failure, gatewayClient, logIn, type Member, signUp } from '../support/gateway-clients.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import type { GatewaySystem } from '../support/gateway-system.js';
import { upstreamEnv } from './rate-limits.js';

export function keyRotationSuite(sys: () => GatewaySystem) {
  describe('signing key rotation and expiry', () => {
    let rotating: RunningSystem;
    let gateway: GatewayProcess;
    let first: Member;

    before(async () => {
      rotating = await startSystem({
        services: ['users'],
        env: {
          users: {
            SIGNING_KEY_ROTATION_MS: '3000',
            SIGNING_KEY_CHECK_INTERVAL_MS: '500',
            ACCESS_TOKEN_TTL_MS: '2500',
          },
        },
      });
      gateway = await startGatewayProcess({
        ...upstreamEnv(sys()),
        USERS_URL: rotating.url('users'),
        // That users trusts its own system's mesh CA: the gateway speaks with a certificate from it.
        ...credentialVariables(rotating.credentials('gateway')),
        EVENT_NAMESPACE: rotating.namespace,
        JWKS_REFETCH_COOLDOWN_MS: '500',
      });
    });

    after(async () => {
      await gateway?.stop();
      await rotating?.dispose();
    });

    it('accepts a token signed by a key users created after the gateway started, without a restart', async () => {
      first = await signUp(gateway.url, 'ivy');
      const firstKid = decodeProtectedHeader(first.token).kid;
      assert.equal((await first.users.getUser({ userId: first.userId })).user?.userId, first.userId);

      let rotated: Member | undefined;
      await waitFor(
        'users to sign with a new key',
        async () => {
          rotated = await logIn(gateway.url, first.email);
          return decodeProtectedHeader(rotated.token).kid !== firstKid;
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      assert.ok(rotated);
      const { keys } = await rotating.client('users', UsersService).getJwks({});
      assert.ok(keys.some((k) => k.kid === decodeProtectedHeader(rotated?.token ?? '').kid));
      assert.equal((await rotated.users.getUser({ userId: first.userId })).user?.userId, first.userId);
    });

    it('refuses an expired token UNAUTHENTICATED with TOKEN_EXPIRED', async () => {
      const { exp = 0 } = decodeJwt(first.token);
      const wait = exp * 1000 + 100 - Date.now();
      if (wait > 0) await sleep(wait);
      const err = await failure(
        gatewayClient(gateway.url, UsersService, first.token).getUser({ userId: first.userId }),
      );
      assert.equal(err.code, Code.Unauthenticated);
      assert.equal(reasonOf(err), 'TOKEN_EXPIRED');
    });
  });
}
