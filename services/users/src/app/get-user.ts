/** Reading one user; an unknown id is USER_NOT_FOUND. */
import type { Database } from '@paymesh/platform/db/database';
import type * as schema from '../db/schema.js';
import type { UserRow } from '../db/schema.js';
import { findUserById } from '../db/users-repo.js';
import { userNotFound } from './user-errors.js';

export async function getUser(db: Database<typeof schema>, userId: string): Promise<UserRow> {
  const user = await findUserById(db, userId);
  if (!user) throw userNotFound(userId);
  return user;
}
