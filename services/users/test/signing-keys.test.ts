/**
 * Signing key lifecycle against a real database: the rotation job replaces an old key, tokens
 * signed before a rotation keep verifying while their key is published, a retired key leaves the
 * JWKS after the token lifetime + 5 min, and concurrent creation or rotation leaves one active key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { count, eq, isNull, sql } from 'drizzle-orm';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { signingKeys } from '../src/db/schema.js';
import { accessTokenVerifyOptions } from '../src/tokens/access-token.js';
import { signingKeyStore } from '../src/tokens/signing-keys.js';
import { STRONG_PASSWORD, startUsers, type UsersUnderTest, uniqueEmail } from './users-harness.js';

const TOKEN_TTL_MS = 60_000;
let it_: UsersUnderTest;
const email = uniqueEmail('keys');

before(async () => {
  it_ = await startUsers({
    ACCESS_TOKEN_TTL_MS: String(TOKEN_TTL_MS),
    // Any key is old enough to rotate; the job runs only at start and when a test asks.
    SIGNING_KEY_ROTATION_MS: '1',
    SIGNING_KEY_CHECK_INTERVAL_MS: '3600000',
  });
  await it_.client.register({ email, password: STRONG_PASSWORD, displayName: 'Key Holder' });
});

after(async () => {
  await it_?.stop();
});

const logIn = () => it_.client.login({ email, password: STRONG_PASSWORD });
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const rotate = () => {
  const job = it_.service.jobs['rotate-signing-key'];
  assert.ok(job, 'the service declares the rotate-signing-key job');
  return job.runOnce();
};
async function allKeys(): Promise<number> {
  const [row] = await it_.db.select({ n: count() }).from(signingKeys);
  return row?.n ?? 0;
}
async function activeKeys(): Promise<number> {
  const [row] = await it_.db.select({ n: count() }).from(signingKeys).where(isNull(signingKeys.retiredAt));
  return row?.n ?? 0;
}

describe('signing key rotation', () => {
  it('makes a new kid that new tokens use, while a token from before still verifies', async () => {
    const before = await logIn();
    const oldKid = kidOf(before.accessToken);
    await rotate();
    const afterRotation = await logIn();
    const newKid = kidOf(afterRotation.accessToken);
    assert.ok(oldKid && newKid);
    assert.notEqual(newKid, oldKid);
    assert.equal(await activeKeys(), 1);

    const { keys } = await it_.client.getJwks({});
    assert.equal(keys[0]?.kid, newKid, 'the active key comes first');
    assert.ok(keys.some((k) => k.kid === oldKid));
    const jwks = await it_.jwks();
    const old = await jwtVerify(before.accessToken, jwks, accessTokenVerifyOptions);
    assert.equal(old.protectedHeader.kid, oldKid);
    const fresh = await jwtVerify(afterRotation.accessToken, jwks, accessTokenVerifyOptions);
    assert.equal(fresh.protectedHeader.kid, newKid);
  });

  it('drops a key from the JWKS once it was retired longer than the token lifetime + 5 min ago', async () => {
    const before = await logIn();
    const oldKid = kidOf(before.accessToken) ?? '';
    await rotate();
    const stillPublished = async () => (await it_.client.getJwks({})).keys.some((k) => k.kid === oldKid);
    // Just inside the window: token lifetime + 5 min minus a few seconds.
    await backdateRetirement(oldKid, TOKEN_TTL_MS + 5 * 60_000 - 5_000);
    assert.equal(await stillPublished(), true);
    await backdateRetirement(oldKid, TOKEN_TTL_MS + 5 * 60_000 + 5_000);
    assert.equal(await stillPublished(), false);
    await assert.rejects(jwtVerify(before.accessToken, await it_.jwks(), accessTokenVerifyOptions), {
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('leaves exactly one active key, and no key lost, when several rotations run at once', async () => {
    const store = signingKeyStore(it_.db, { tokenTtlMs: TOKEN_TTL_MS });
    const keysBefore = await allKeys();
    const rotations = await Promise.all(Array.from({ length: 5 }, () => store.rotate(1)));
    // Rotations that queued behind one that had just rotated may find its key young and keep it.
    const created = rotations.filter((r) => r.created);
    assert.ok(created.length >= 1);
    assert.equal(await allKeys(), keysBefore + created.length);
    assert.equal(await activeKeys(), 1);
    const [active] = await it_.db.select().from(signingKeys).where(isNull(signingKeys.retiredAt));
    assert.ok(active && created.some((r) => r.activeKid === active.kid));
    const { accessToken } = await logIn();
    assert.equal(kidOf(accessToken), active.kid);
  });

  it('creates one key, shared by all, when several logins find none active', async () => {
    await it_.db.update(signingKeys).set({ retiredAt: sql`now()` }).where(isNull(signingKeys.retiredAt));
    assert.equal(await activeKeys(), 0);
    const sessions = await Promise.all(Array.from({ length: 4 }, () => logIn()));
    const kids = new Set(sessions.map((s) => kidOf(s.accessToken)));
    assert.equal(kids.size, 1);
    assert.equal(await activeKeys(), 1);
    const jwks = await it_.jwks();
    for (const s of sessions) await jwtVerify(s.accessToken, jwks, accessTokenVerifyOptions);
  });

  it('leaves a young key in place (rotation period not reached)', async () => {
    const store = signingKeyStore(it_.db, { tokenTtlMs: TOKEN_TTL_MS });
    const current = await store.active();
    const rotation = await store.rotate(24 * 3_600_000);
    assert.deepEqual(rotation, { activeKid: current.kid, created: false });
  });
});

async function backdateRetirement(kid: string, agoMs: number): Promise<void> {
  await it_.db
    .update(signingKeys)
    .set({
      createdAt: sql`now() - make_interval(secs => ${(agoMs + 60_000) / 1000})`,
      retiredAt: sql`now() - make_interval(secs => ${agoMs / 1000})`,
    })
    .where(eq(signingKeys.kid, kid));
}
