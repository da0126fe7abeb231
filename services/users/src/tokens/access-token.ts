/**
 * The access token users issues, as its verifiers (the gateway) rely on it: an EdDSA (Ed25519)
 * JWT, `kid` in the protected header naming a key of GetJwks, and these claims. Import it as
 * `@paymesh/users/access-token`; it depends on nothing but jose's types.
 *
 *   const { payload } = await jwtVerify(token, jwks, accessTokenVerifyOptions);
 *   const claims = readAccessTokenClaims(payload);
 */
import type { JWTPayload, JWTVerifyOptions } from 'jose';

export const ACCESS_TOKEN_ISSUER = 'paymesh-users';
export const ACCESS_TOKEN_AUDIENCE = 'paymesh';
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

/** Claim holding the user's roles, an array of RoleName. */
export const ROLES_CLAIM = 'roles';
/** Claim holding the user's (lower-cased) e-mail address. */
export const EMAIL_CLAIM = 'email';

/** Role names in the order the contract's Role enum lists them. */
export const roleNames = ['customer', 'operator', 'auditor'] as const;
export type RoleName = (typeof roleNames)[number];

/** What a verified access token says. */
export interface AccessTokenClaims {
  readonly iss: typeof ACCESS_TOKEN_ISSUER;
  readonly aud: typeof ACCESS_TOKEN_AUDIENCE;
  /** The user id (UUID). */
  readonly sub: string;
  readonly roles: readonly RoleName[];
  readonly email: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  /** Seconds since the epoch. */
  readonly exp: number;
}

/** Options for jose's `jwtVerify` that accept exactly the tokens users issues. */
export const accessTokenVerifyOptions = {
  issuer: ACCESS_TOKEN_ISSUER,
  audience: ACCESS_TOKEN_AUDIENCE,
  algorithms: [ACCESS_TOKEN_ALGORITHM],
  requiredClaims: ['sub', 'iat', 'exp', ROLES_CLAIM, EMAIL_CLAIM],
} as const satisfies JWTVerifyOptions;

/** The typed claims of a payload `jwtVerify` accepted; throws when one is missing or malformed. */
export function readAccessTokenClaims(payload: JWTPayload): AccessTokenClaims {
  const { sub, iat, exp } = payload;
  const roles = payload[ROLES_CLAIM];
  const email = payload[EMAIL_CLAIM];
  if (payload.iss !== ACCESS_TOKEN_ISSUER) throw new Error('access token has another issuer');
  if (payload.aud !== ACCESS_TOKEN_AUDIENCE) throw new Error('access token has another audience');
  if (typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') {
    throw new Error('access token lacks sub, iat or exp');
  }
  if (typeof email !== 'string') throw new Error('access token lacks its email claim');
  if (!Array.isArray(roles) || !roles.every(isRoleName)) {
    throw new Error('access token roles claim is not an array of role names');
  }
  return { iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, sub, roles, email, iat, exp };
}

export function isRoleName(value: unknown): value is RoleName {
  return (roleNames as readonly unknown[]).includes(value);
}
