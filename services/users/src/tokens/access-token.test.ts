import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { accessTokenVerifyOptions, readAccessTokenClaims } from './access-token.js';
import { issueAccessToken } from './issue-access-token.js';

const subject = {
  userId: '6c1f9a4e-2f7e-4d0b-9a53-0d6f0b1f2c11',
  email: 'ann@example.com',
  roles: ['customer', 'operator'] as const,
};

async function keyPair(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwks = createLocalJWKSet({
    keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }],
  });
  return { signing: { kid, privateKey }, jwks };
}

describe('access token', () => {
  it('carries iss, aud, sub, roles, email, iat and exp = iat + TTL, with alg EdDSA and the kid', async () => {
    const { signing, jwks } = await keyPair('k1');
    const nowMs = 1_700_000_000_500;
    const issued = await issueAccessToken(signing, subject, { ttlMs: 15 * 60_000, nowMs });
    assert.deepEqual(decodeProtectedHeader(issued.token), { alg: 'EdDSA', kid: 'k1' });
    const { payload } = await jwtVerify(issued.token, jwks, {
      ...accessTokenVerifyOptions,
      currentDate: new Date(nowMs),
    });
    assert.deepEqual(readAccessTokenClaims(payload), {
      iss: 'paymesh-users',
      aud: 'paymesh',
      sub: subject.userId,
      roles: ['customer', 'operator'],
      email: 'ann@example.com',
      iat: 1_700_000_000,
      exp: 1_700_000_900,
    });
    assert.equal(issued.expiresAtMs, 1_700_000_900_000);
  });

  it('is refused by the verify options once expired, or when signed by a key the JWKS lacks', async () => {
    const { signing, jwks } = await keyPair('k1');
    const other = await keyPair('k2');
    const nowMs = Date.now();
    const issued = await issueAccessToken(signing, subject, { ttlMs: 60_000, nowMs });
    await assert.rejects(
      jwtVerify(issued.token, jwks, { ...accessTokenVerifyOptions, currentDate: new Date(nowMs + 61_000) }),
      { code: 'ERR_JWT_EXPIRED' },
    );
    await assert.rejects(jwtVerify(issued.token, other.jwks, accessTokenVerifyOptions), {
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('reads only well-formed claims', () => {
    const good = {
      iss: 'paymesh-users',
      aud: 'paymesh',
      sub: subject.userId,
      roles: ['customer'],
      email: 'ann@example.com',
      iat: 1,
      exp: 2,
    };
    assert.equal(readAccessTokenClaims(good).sub, subject.userId);
    assert.throws(() => readAccessTokenClaims({ ...good, roles: ['customer', 'root'] }));
    assert.throws(() => readAccessTokenClaims({ ...good, roles: 'customer' }));
    assert.throws(() => readAccessTokenClaims({ ...good, aud: 'elsewhere' }));
    assert.throws(() => readAccessTokenClaims({ ...good, email: undefined }));
  });
});
