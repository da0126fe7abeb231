import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAccessToken } from './access-token';

const base64Url = (text: string) => Buffer.from(text).toString('base64url');
const tokenWith = (claims: object) =>
  `${base64Url('{"alg":"EdDSA"}')}.${base64Url(JSON.stringify(claims))}.signature`;

describe('decodeAccessToken', () => {
  it('reads the user id, e-mail, known roles and expiry', () => {
    const claims = decodeAccessToken(
      tokenWith({
        sub: 'u-1',
        email: 'zoë@example.com',
        roles: ['customer', 'operator', 'root'],
        exp: 1_900_000_000,
      }),
    );
    assert.deepEqual(claims, {
      userId: 'u-1',
      email: 'zoë@example.com',
      roles: ['customer', 'operator'],
      expiresAt: 1_900_000_000_000,
    });
  });

  it('refuses tokens that are not JWTs or lack a subject or expiry', () => {
    assert.equal(decodeAccessToken('not-a-token'), undefined);
    assert.equal(decodeAccessToken('a.%%%.c'), undefined);
    assert.equal(decodeAccessToken(tokenWith({ email: 'a@b.co', exp: 1 })), undefined);
    assert.equal(decodeAccessToken(tokenWith({ sub: 'u-1' })), undefined);
  });
});
