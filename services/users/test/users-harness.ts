/** Starts the users service in-process on its own database and namespace, with a real client. */
import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';
import { createServiceClient } from '@paymesh/platform/client/service-client';
import { reasonOf, violationsOf } from '@paymesh/platform/errors/domain-error';
import { createTestServiceEnv } from '@paymesh/platform/testing/service-env';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { createLocalJWKSet } from 'jose';
import { users } from '../src/service.js';

export type UsersUnderTest = Awaited<ReturnType<typeof startUsers>>;

export async function startUsers(extra: Record<string, string> = {}) {
  const testEnv = await createTestServiceEnv({ service: 'users', contexts: ['users'], extra });
  const service = await users.start({ source: testEnv.env });
  const client = createServiceClient(UsersService, {
    upstream: 'users-test',
    baseUrl: `http://127.0.0.1:${service.rpcPort}`,
  });
  return {
    service,
    client,
    db: service.deps.db,
    /** The JWKS as a verifier builds it from GetJwks. */
    async jwks() {
      const { keys } = await client.getJwks({});
      return createLocalJWKSet({
        keys: keys.map(({ kid, kty, crv, x, alg, use }) => ({ kid, kty, crv, x, alg, use })),
      });
    },
    async stop() {
      await service.stop();
      await testEnv.cleanup();
    },
  };
}

/** Asserts `call` fails with `code` (and `reason`, when given); returns the error. */
export async function failure(call: Promise<unknown>, code: Code, reason?: string): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof ConnectError, `expected a ConnectError, got ${String(err)}`);
    assert.equal(Code[err.code], Code[code], err.message);
    if (reason) assert.equal(reasonOf(err), reason);
    return err;
  }
  assert.fail(`expected ${Code[code]}, but the call succeeded`);
}

/** The fields an INVALID_ARGUMENT error names. */
export function violatedFields(err: ConnectError): string[] {
  return violationsOf(err).map((v) => v.field);
}

let counter = 0;
/** An address no other test of the run uses. */
export function uniqueEmail(name = 'user'): string {
  counter += 1;
  return `${name}.${process.pid}.${counter}@example.com`;
}

export const STRONG_PASSWORD = 'violet-harbour-42';
