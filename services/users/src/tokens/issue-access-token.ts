/** Signs a user's access token with the active key: the claims of access-token.ts, valid for the token TTL. */
import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  EMAIL_CLAIM,
  ROLES_CLAIM,
  type RoleName,
} from './access-token.js';
import type { ActiveSigningKey } from './signing-keys.js';

export interface TokenSubject {
  readonly userId: string;
  readonly email: string;
  readonly roles: readonly RoleName[];
}

export interface IssuedAccessToken {
  readonly token: string;
  /** When it stops being valid: its `exp`, in milliseconds. */
  readonly expiresAtMs: number;
}

export async function issueAccessToken(
  key: ActiveSigningKey,
  subject: TokenSubject,
  options: { ttlMs: number; nowMs?: number },
): Promise<IssuedAccessToken> {
  const issuedAt = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const expiresAt = issuedAt + Math.max(1, Math.floor(options.ttlMs / 1000));
  const token = await new SignJWT({ [ROLES_CLAIM]: [...subject.roles], [EMAIL_CLAIM]: subject.email })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setSubject(subject.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key.privateKey);
  return { token, expiresAtMs: expiresAt * 1000 };
}
