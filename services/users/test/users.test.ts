/**
 * The users service as a caller sees it: registering (race-safe, case-insensitive e-mails, the
 * password policy, staff bootstrap), logging in (tokens that verify against GetJwks, one answer for
 * every bad credential), reading users, granting roles once, and the events it commits.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { PgErrorCode, pgErrorCode } from '@paymesh/platform/db/database';
import { waitFor } from '@paymesh/platform/testing/wait-for';
import { RoleGrantedSchema, UserRegisteredSchema } from '@paymesh/proto/paymesh/users/v1/events_pb';
import { Role } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { and, count, eq, isNotNull } from 'drizzle-orm';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { outbox, users } from '../src/db/schema.js';
import { insertUser } from '../src/db/users-repo.js';
import { accessTokenVerifyOptions } from '../src/tokens/access-token.js';
import {
  failure,
  STRONG_PASSWORD,
  startUsers,
  type UsersUnderTest,
  uniqueEmail,
  violatedFields,
} from './users-harness.js';

const TOKEN_TTL_MS = 10 * 60_000;
let it_: UsersUnderTest;

before(async () => {
  it_ = await startUsers({
    ACCESS_TOKEN_TTL_MS: String(TOKEN_TTL_MS),
    OPERATOR_EMAILS: 'Boss@Example.com, ops@example.com',
    AUDITOR_EMAILS: 'inspector@example.com',
  });
});

after(async () => {
  await it_?.stop();
});

const register = (email: string, password = STRONG_PASSWORD, displayName = 'Ann Lee') =>
  it_.client.register({ email, password, displayName });

async function usersWithEmail(email: string): Promise<number> {
  const [row] = await it_.db.select({ n: count() }).from(users).where(eq(users.email, email.toLowerCase()));
  return row?.n ?? 0;
}

function eventsOf(aggregateId: string, schema: string) {
  return it_.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.aggregateId, aggregateId), eq(outbox.schema, schema)));
}

describe('Register and GetUser', () => {
  it('registers a customer that GetUser returns, its e-mail lower-cased', async () => {
    const email = uniqueEmail('Ann.Lee');
    const { user } = await register(email);
    assert.ok(user);
    assert.equal(user.email, email.toLowerCase());
    assert.equal(user.displayName, 'Ann Lee');
    assert.deepEqual(user.roles, [Role.CUSTOMER]);
    assert.ok(user.createdAt && Math.abs(timestampMs(user.createdAt) - Date.now()) < 60_000);

    const { user: read } = await it_.client.getUser({ userId: user.userId });
    assert.deepEqual(read, user);
  });

  it('refuses the same e-mail in another case with ALREADY_EXISTS / EMAIL_TAKEN, keeping one user', async () => {
    const email = uniqueEmail('twice');
    await register(email);
    await failure(register(email.toUpperCase()), Code.AlreadyExists, 'EMAIL_TAKEN');
    assert.equal(await usersWithEmail(email), 1);
  });

  it('creates exactly one user out of 10 concurrent registrations of one e-mail', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => register(i % 2 ? email : email.toUpperCase())),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    assert.equal(winners.length, 1);
    for (const lost of results.filter((r) => r.status === 'rejected')) {
      await failure(Promise.reject(lost.reason), Code.AlreadyExists, 'EMAIL_TAKEN');
    }
    assert.equal(await usersWithEmail(email), 1);
    const userId = winners[0]?.value.user?.userId ?? '';
    assert.equal((await eventsOf(userId, UserRegisteredSchema.typeName)).length, 1);
  });

  it('refuses weak passwords with INVALID_ARGUMENT on `password` and writes no user', async () => {
    const email = uniqueEmail('weakling');
    const localPart = email.split('@')[0] ?? '';
    const weak = {
      'too short (the contract)': 'short-pw-1',
      'containing the local part': `x-${localPart.toUpperCase()}-y`,
      'too few distinct characters': 'abababababababab',
    };
    const outboxRows = async () => (await it_.db.select({ n: count() }).from(outbox))[0]?.n;
    const eventsBefore = await outboxRows();
    for (const [why, password] of Object.entries(weak)) {
      const err = await failure(register(email, password), Code.InvalidArgument);
      assert.deepEqual(violatedFields(err), ['password'], why);
    }
    assert.equal(await usersWithEmail(email), 0);
    assert.equal(await outboxRows(), eventsBefore);
  });

  it('refuses a malformed e-mail with INVALID_ARGUMENT on `email`', async () => {
    for (const email of ['not-an-email', 'ann@localhost', 'ann lee@example.com']) {
      const err = await failure(register(email), Code.InvalidArgument);
      assert.deepEqual(violatedFields(err), ['email'], email);
    }
  });

  it('refuses a blank display name with INVALID_ARGUMENT on `display_name`', async () => {
    const err = await failure(register(uniqueEmail('blank'), STRONG_PASSWORD, '   '), Code.InvalidArgument);
    assert.deepEqual(violatedFields(err), ['display_name']);
  });

  it('gives OPERATOR_EMAILS and AUDITOR_EMAILS their staff role at registration, in any case', async () => {
    const { user: boss } = await register('BOSS@example.com');
    assert.deepEqual(boss?.roles, [Role.CUSTOMER, Role.OPERATOR]);
    const { user: inspector } = await register('Inspector@Example.com');
    assert.deepEqual(inspector?.roles, [Role.CUSTOMER, Role.AUDITOR]);
  });

  it('answers GetUser of an unknown id with NOT_FOUND / USER_NOT_FOUND', async () => {
    await failure(
      it_.client.getUser({ userId: '00000000-0000-4000-8000-000000000000' }),
      Code.NotFound,
      'USER_NOT_FOUND',
    );
  });

  it('commits UserRegistered in the outbox keyed by the user id, and the relay publishes it', async () => {
    const email = uniqueEmail('evented');
    const { user } = await register(email);
    assert.ok(user);
    const [row, ...more] = await eventsOf(user.userId, UserRegisteredSchema.typeName);
    assert.ok(row);
    assert.equal(more.length, 0);
    assert.equal(row.aggregateId, user.userId);
    assert.ok(row.subject.endsWith(`.users.${user.userId}`), row.subject);
    const event = fromBinary(UserRegisteredSchema, row.payload);
    assert.equal(event.userId, user.userId);
    assert.equal(event.email, email.toLowerCase());
    assert.equal(event.displayName, 'Ann Lee');
    assert.deepEqual(event.roles, [Role.CUSTOMER]);
    assert.deepEqual(event.registeredAt, user.createdAt);
    await waitFor('the relay published UserRegistered', async () => {
      const published = await it_.db
        .select({ seq: outbox.seq })
        .from(outbox)
        .where(and(eq(outbox.seq, row.seq), isNotNull(outbox.publishedAt)));
      return published.length === 1;
    });
  });
});

it('keeps a credential out of the error when its write fails (nothing secret reaches the logs)', async () => {
  const secret = 'scrypt$15$8$1$SECRET-SALT$SECRET-KEY';
  const err: unknown = await insertUser(it_.db, {
    userId: randomUUID(),
    email: 'NOT-LOWER@example.com',
    displayName: 'Check Violation',
    passwordHash: secret,
    roles: ['customer'],
  }).catch((e: unknown) => e);
  assert.ok(err instanceof Error);
  assert.equal(pgErrorCode(err), PgErrorCode.checkViolation);
  assert.match(err.message, /users_email_lower_case/);
  assert.doesNotMatch(JSON.stringify({ ...err, message: err.message, stack: err.stack }), /SECRET/);
  assert.equal(err.cause, undefined);
});

describe('Login', () => {
  it('returns a token that verifies against GetJwks with sub, roles, aud, iss and exp', async () => {
    const email = uniqueEmail('login');
    const { user } = await register(email);
    assert.ok(user);
    const before = Date.now();
    const session = await it_.client.login({ email: email.toUpperCase(), password: STRONG_PASSWORD });
    assert.deepEqual(session.user, user);
    assert.ok(session.expiresAt);

    const { payload, protectedHeader } = await jwtVerify(
      session.accessToken,
      await it_.jwks(),
      accessTokenVerifyOptions,
    );
    assert.equal(protectedHeader.alg, 'EdDSA');
    assert.ok(protectedHeader.kid);
    assert.equal(payload.sub, user.userId);
    assert.deepEqual(payload.roles, ['customer']);
    assert.equal(payload.email, email.toLowerCase());
    assert.equal(payload.aud, 'paymesh');
    assert.equal(payload.iss, 'paymesh-users');
    assert.equal((payload.exp ?? 0) * 1000, timestampMs(session.expiresAt));
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), TOKEN_TTL_MS / 1000);
    assert.ok(Math.abs(timestampMs(session.expiresAt) - (before + TOKEN_TTL_MS)) < 5_000);
  });

  it('puts staff roles in the token', async () => {
    await register('ops@example.com');
    const session = await it_.client.login({ email: 'ops@example.com', password: STRONG_PASSWORD });
    const { payload } = await jwtVerify(session.accessToken, await it_.jwks(), accessTokenVerifyOptions);
    assert.deepEqual(payload.roles, ['customer', 'operator']);
  });

  it('answers a wrong password and an unknown e-mail alike: UNAUTHENTICATED, INVALID_CREDENTIALS, one message', async () => {
    const email = uniqueEmail('careful');
    await register(email);
    const wrongPassword = await failure(
      it_.client.login({ email, password: `${STRONG_PASSWORD}!` }),
      Code.Unauthenticated,
      'INVALID_CREDENTIALS',
    );
    const unknownEmail = await failure(
      it_.client.login({ email: uniqueEmail('nobody'), password: STRONG_PASSWORD }),
      Code.Unauthenticated,
      'INVALID_CREDENTIALS',
    );
    assert.equal(wrongPassword.rawMessage, unknownEmail.rawMessage);
    assert.equal(wrongPassword.message, unknownEmail.message);
  });
});

describe('GrantRole', () => {
  it('adds a role once: a second grant returns the user unchanged and RoleGranted is in the outbox once', async () => {
    const { user } = await register(uniqueEmail('promoted'));
    assert.ok(user);
    const first = await it_.client.grantRole({ userId: user.userId, role: Role.OPERATOR });
    assert.deepEqual(first.user?.roles, [Role.CUSTOMER, Role.OPERATOR]);
    const second = await it_.client.grantRole({ userId: user.userId, role: Role.OPERATOR });
    assert.deepEqual(second.user, first.user);
    assert.deepEqual((await it_.client.getUser({ userId: user.userId })).user, first.user);

    const granted = await eventsOf(user.userId, RoleGrantedSchema.typeName);
    assert.equal(granted.length, 1);
    const event = fromBinary(RoleGrantedSchema, granted[0]?.payload ?? new Uint8Array());
    assert.deepEqual(
      { userId: event.userId, role: event.role },
      { userId: user.userId, role: Role.OPERATOR },
    );
  });

  it('adds a role once under 5 concurrent grants', async () => {
    const { user } = await register(uniqueEmail('audited'));
    assert.ok(user);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => it_.client.grantRole({ userId: user.userId, role: Role.AUDITOR })),
    );
    for (const r of results) assert.deepEqual(r.user?.roles, [Role.CUSTOMER, Role.AUDITOR]);
    assert.equal((await eventsOf(user.userId, RoleGrantedSchema.typeName)).length, 1);
  });

  it('shows a granted role in the next token', async () => {
    const email = uniqueEmail('newboss');
    const { user } = await register(email);
    assert.ok(user);
    await it_.client.grantRole({ userId: user.userId, role: Role.AUDITOR });
    const session = await it_.client.login({ email, password: STRONG_PASSWORD });
    const { payload } = await jwtVerify(session.accessToken, await it_.jwks(), accessTokenVerifyOptions);
    assert.deepEqual(payload.roles, ['customer', 'auditor']);
  });

  it('answers an unknown user with NOT_FOUND / USER_NOT_FOUND', async () => {
    await failure(
      it_.client.grantRole({ userId: '00000000-0000-4000-8000-000000000000', role: Role.OPERATOR }),
      Code.NotFound,
      'USER_NOT_FOUND',
    );
  });

  it('refuses ROLE_UNSPECIFIED with INVALID_ARGUMENT on `role`', async () => {
    const { user } = await register(uniqueEmail('unspecified'));
    const err = await failure(
      it_.client.grantRole({ userId: user?.userId ?? '', role: Role.UNSPECIFIED }),
      Code.InvalidArgument,
    );
    assert.deepEqual(violatedFields(err), ['role']);
  });
});

it('never returns a token header naming a key GetJwks lacks', async () => {
  const email = uniqueEmail('kid');
  await register(email);
  const { accessToken } = await it_.client.login({ email, password: STRONG_PASSWORD });
  const { keys } = await it_.client.getJwks({});
  assert.ok(keys.some((k) => k.kid === decodeProtectedHeader(accessToken).kid));
  for (const key of keys) {
    assert.deepEqual(
      { kty: key.kty, crv: key.crv, alg: key.alg, use: key.use },
      { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' },
    );
  }
});
