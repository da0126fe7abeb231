/**
 * Reads the `Authorization: Bearer <jwt>` of a call and verifies it the way users issues it
 * (signature against the published keys, issuer, audience, expiry, required claims), answering
 * UNAUTHENTICATED with a reason the app can act on when it does not hold.
 */
import type { ConnectError } from '@connectrpc/connect';
import { accessTokenVerifyOptions, readAccessTokenClaims } from '@paymesh/users/access-token';
import { errors, jwtVerify } from 'jose';
import { signingKeysUnavailable, tokenExpired, tokenInvalid, tokenMissing } from '../gateway-failures.js';
import type { Caller } from './caller.js';
import { type SigningKeySet, SigningKeysUnavailable } from './signing-key-set.js';

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

export type Verification = { caller: Caller } | { refusal: ConnectError };

export interface AccessTokenVerifier {
  /** The caller an Authorization header proves, or why it proves none. */
  verify(authorization: string | null): Promise<Verification>;
}

export function accessTokenVerifier(keys: Pick<SigningKeySet, 'getKey'>): AccessTokenVerifier {
  return {
    async verify(authorization) {
      if (!authorization) return { refusal: tokenMissing() };
      const token = BEARER.exec(authorization.trim())?.[1];
      if (!token) return { refusal: tokenInvalid() };
      try {
        const { payload, protectedHeader } = await jwtVerify(token, keys.getKey, accessTokenVerifyOptions);
        // Users always names the key; a token without `kid` was not issued by it.
        if (typeof protectedHeader.kid !== 'string') return { refusal: tokenInvalid() };
        const claims = readAccessTokenClaims(payload);
        return { caller: { userId: claims.sub.toLowerCase(), roles: claims.roles, token } };
      } catch (err) {
        if (err instanceof errors.JWTExpired) return { refusal: tokenExpired() };
        if (err instanceof SigningKeysUnavailable) return { refusal: signingKeysUnavailable() };
        return { refusal: tokenInvalid() };
      }
    },
  };
}
