import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import { createLogger } from '@paymesh/platform/telemetry/logger';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
} from '@paymesh/users/access-token';
import { type CryptoKey, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { accessTokenVerifier } from './access-token-verifier.js';
import { signingKeySet } from './signing-key-set.js';

const logger = createLogger('gateway-test', 'silent');

interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function testKey(kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { crv: 'Ed25519' });
  const { kty, crv, x } = await exportJWK(publicKey);
  return { kid, privateKey, jwk: { kid, kty, crv, x, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' } };
}

function token(key: TestKey, claims: { expiresAt?: number; kid?: string } = {}): Promise<string> {
  return new SignJWT({ roles: ['customer'], email: 'a@example.com' })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: claims.kid ?? key.kid })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject('6f1c0d4e-1111-4222-8333-944445555666')
    .setIssuedAt(claims.expiresAt ? claims.expiresAt - 900 : undefined)
    .setExpirationTime(claims.expiresAt ?? '5m')
    .sign(key.privateKey);
}

/** A key source the test rotates, counting how often it is read. */
function keySource(initial: TestKey[]) {
  let published = initial;
  let reads = 0;
  return {
    fetchKeys: async (): Promise<JSONWebKeySet> => {
      reads++;
      return { keys: published.map((k) => k.jwk) };
    },
    publish(keys: TestKey[]) {
      published = keys;
    },
    get reads() {
      return reads;
    },
  };
}

const started: { stop(): void }[] = [];
after(() => {
  for (const keys of started) keys.stop();
});

async function startKeySet(source: ReturnType<typeof keySource>, cooldownMs: number) {
  const keys = signingKeySet({ fetchKeys: source.fetchKeys, refreshMs: 60_000, cooldownMs, logger });
  await keys.start();
  started.push(keys);
  return keys;
}

describe('the signing key set and token verification', () => {
  it('verifies a token of a published key with one fetch, at start', async () => {
    const k1 = await testKey('k1');
    const source = keySource([k1]);
    const verifier = accessTokenVerifier(await startKeySet(source, 1_000));
    const result = await verifier.verify(`Bearer ${await token(k1)}`);
    assert.ok('caller' in result);
    assert.equal(result.caller.userId, '6f1c0d4e-1111-4222-8333-944445555666');
    assert.deepEqual(result.caller.roles, ['customer']);
    assert.equal(source.reads, 1);
  });

  it('accepts a token of a key rotated in after start, fetching the keys again', async () => {
    const [k1, k2] = [await testKey('k1'), await testKey('k2')];
    const source = keySource([k1]);
    const keys = await startKeySet(source, 50);
    const verifier = accessTokenVerifier(keys);
    source.publish([k2, k1]);
    const result = await verifier.verify(`Bearer ${await token(k2)}`);
    assert.ok('caller' in result);
    assert.deepEqual(keys.kids, ['k2', 'k1']);
  });

  it('fetches at most once per cooldown however many unknown key ids arrive', async () => {
    const k1 = await testKey('k1');
    const source = keySource([k1]);
    const verifier = accessTokenVerifier(await startKeySet(source, 300));
    const forged = await Promise.all(
      Array.from({ length: 20 }, (_, i) => token(k1, { kid: `made-up-${i}` })),
    );
    const started = Date.now();
    const results = await Promise.all(forged.map((t) => verifier.verify(`Bearer ${t}`)));
    assert.ok(results.every((r) => 'refusal' in r && reasonOf(r.refusal) === 'TOKEN_INVALID'));
    // The start's fetch, then the burst shares one fetch made once the cooldown allowed it.
    assert.equal(source.reads, 2);
    assert.ok(Date.now() - started >= 250, 'the refetch waited out the cooldown');
  });

  it('refuses a token signed by a key not published, under a published key id', async () => {
    const [k1, impostor] = [await testKey('k1'), await testKey('k1')];
    const verifier = accessTokenVerifier(await startKeySet(keySource([k1]), 1_000));
    const result = await verifier.verify(`Bearer ${await token(impostor)}`);
    assert.ok('refusal' in result);
    assert.equal(result.refusal.code, Code.Unauthenticated);
    assert.equal(reasonOf(result.refusal), 'TOKEN_INVALID');
  });

  it('tells an expired token from a missing or malformed one', async () => {
    const k1 = await testKey('k1');
    const verifier = accessTokenVerifier(await startKeySet(keySource([k1]), 1_000));
    const expiredAt = Math.floor(Date.now() / 1000) - 5;
    const expired = await verifier.verify(`Bearer ${await token(k1, { expiresAt: expiredAt })}`);
    assert.ok('refusal' in expired);
    assert.equal(expired.refusal.code, Code.Unauthenticated);
    assert.equal(reasonOf(expired.refusal), 'TOKEN_EXPIRED');
    const outcomes = await Promise.all([
      verifier.verify(null),
      verifier.verify('Basic dXNlcjpwYXNz'),
      verifier.verify('Bearer not-a-jwt'),
    ]);
    assert.deepEqual(
      outcomes.map((o) => ('refusal' in o ? reasonOf(o.refusal) : 'admitted')),
      ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_INVALID'],
    );
  });

  it('answers UNAVAILABLE while no keys could ever be fetched', async () => {
    const keys = signingKeySet({
      fetchKeys: async () => {
        throw new Error('users is down');
      },
      refreshMs: 60_000,
      cooldownMs: 20,
      logger,
    });
    await keys.start();
    started.push(keys);
    assert.equal(keys.check?.(), false);
    const k1 = await testKey('k1');
    const result = await accessTokenVerifier(keys).verify(`Bearer ${await token(k1)}`);
    assert.ok('refusal' in result);
    assert.equal(result.refusal.code, Code.Unavailable);
    assert.equal(reasonOf(result.refusal), 'SIGNING_KEYS_UNAVAILABLE');
  });
});
