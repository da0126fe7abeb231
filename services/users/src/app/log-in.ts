/**
 * Logging in: checks the password and issues an access token. An unknown e-mail still costs one
 * scrypt (against a fixed dummy hash), and both failures give the same answer, so neither time nor
 * message says whether the address is registered.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '@paymesh/platform/db/database';
import type * as schema from '../db/schema.js';
import type { UserRow } from '../db/schema.js';
import { findUserByEmail } from '../db/users-repo.js';
import { normalizeEmail } from '../domain/email-address.js';
import { hashPassword, verifyPassword } from '../domain/password-hash.js';
import { sortedRoleNames } from '../domain/roles.js';
import { type IssuedAccessToken, issueAccessToken } from '../tokens/issue-access-token.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { invalidCredentials } from './user-errors.js';

export interface Credentials {
  email: string;
  password: string;
}

export interface Session extends IssuedAccessToken {
  readonly user: UserRow;
}

// Made once per process, with the current parameters, from a secret nobody knows.
let dummyHash: Promise<string> | undefined;
const dummyPasswordHash = () => {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64'));
  return dummyHash;
};

export async function logIn(
  db: Database<typeof schema>,
  keys: SigningKeys,
  credentials: Credentials,
  options: { tokenTtlMs: number },
): Promise<Session> {
  const user = await findUserByEmail(db, normalizeEmail(credentials.email));
  const matches = await verifyPassword(
    credentials.password,
    user?.passwordHash ?? (await dummyPasswordHash()),
  );
  if (!user || !matches) throw invalidCredentials();
  const token = await issueAccessToken(
    await keys.active(),
    { userId: user.userId, email: user.email, roles: sortedRoleNames(user.roles) },
    { ttlMs: options.tokenTtlMs },
  );
  return { user, ...token };
}

/** Computes the dummy hash now, so the first unknown e-mail costs no more than a known one. */
export function warmDummyPasswordHash(): Promise<string> {
  return dummyPasswordHash();
}
