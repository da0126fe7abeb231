/** Reading and writing user rows; the e-mail's unique index is what makes registration race-safe. */
import { type Executor, PgErrorCode, pgConstraint, pgErrorCode } from '@paymesh/platform/db/database';
import { and, eq, sql } from 'drizzle-orm';
import type { RoleName } from '../tokens/access-token.js';
import { type UserRow, users } from './schema.js';
import { secretQuery } from './secret-query.js';

export type NewUser = Omit<UserRow, 'createdAt'>;

/** Inserts a user; a taken e-mail fails with the unique violation `isEmailTaken` recognises. */
export async function insertUser(tx: Executor, user: NewUser): Promise<UserRow> {
  const [row] = await secretQuery('user insert', () => tx.insert(users).values(user).returning());
  if (!row) throw new Error('user insert returned no row');
  return row;
}

/** True when `err` is the unique violation of the e-mail index. */
export function isEmailTaken(err: unknown): boolean {
  return pgErrorCode(err) === PgErrorCode.uniqueViolation && pgConstraint(err) === 'users_email_idx';
}

export async function findUserById(db: Executor, userId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.userId, userId));
  return row;
}

/** By lower-cased address. */
export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  return row;
}

/** Adds `role` unless the user holds it; returns the row only when it changed. */
export async function addRole(tx: Executor, userId: string, role: RoleName): Promise<UserRow | undefined> {
  const [row] = await secretQuery('role grant', () =>
    tx
      .update(users)
      .set({ roles: sql`array_append(${users.roles}, ${role}::text)` })
      .where(and(eq(users.userId, userId), sql`not (${role}::text = any(${users.roles}))`))
      .returning(),
  );
  return row;
}
