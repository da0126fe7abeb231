/**
 * Registering a user: the password policy, then the row and its UserRegistered event in one
 * transaction. The e-mail's unique index decides a race; the loser gets EMAIL_TAKEN.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '@paymesh/platform/db/database';
import { inTransaction } from '@paymesh/platform/db/transaction';
import { invalidArgument, type Violation } from '@paymesh/platform/errors/domain-error';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import type * as schema from '../db/schema.js';
import type { UserRow } from '../db/schema.js';
import { insertUser, isEmailTaken } from '../db/users-repo.js';
import { normalizeEmail } from '../domain/email-address.js';
import { hashPassword } from '../domain/password-hash.js';
import { passwordViolations } from '../domain/password-policy.js';
import { initialRoles, type RoleBootstrap } from '../domain/roles.js';
import { userRegistered } from '../events/user-events.js';
import { emailTaken } from './user-errors.js';

export interface Registration {
  email: string;
  password: string;
  displayName: string;
}

export async function registerUser(
  db: Database<typeof schema>,
  outbox: Outbox,
  registration: Registration,
  bootstrap: RoleBootstrap,
): Promise<UserRow> {
  const email = normalizeEmail(registration.email);
  const displayName = registration.displayName.trim();
  const violations: Violation[] = passwordViolations(registration.password, email);
  if (!displayName) {
    violations.push({ field: 'display_name', rule: 'display_name.blank', description: 'must not be blank' });
  }
  if (violations.length) throw invalidArgument(violations);

  // Hashed before the transaction, so no connection waits on scrypt.
  const passwordHash = await hashPassword(registration.password);
  try {
    return await inTransaction(db, async (tx) => {
      const user = await insertUser(tx, {
        userId: randomUUID(),
        email,
        displayName,
        passwordHash,
        roles: initialRoles(email, bootstrap),
      });
      await outbox.append(tx, userRegistered(user));
      return user;
    });
  } catch (err) {
    if (isEmailTaken(err)) throw emailTaken();
    throw err;
  }
}
