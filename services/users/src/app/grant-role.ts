/**
 * Granting a role: idempotent. Adding it commits with RoleGranted; a role already held returns the
 * user unchanged and emits nothing (the conditional update decides, so concurrent grants add it once).
 */
import type { Database } from '@paymesh/platform/db/database';
import { inTransaction } from '@paymesh/platform/db/transaction';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import type { Role } from '@paymesh/proto/paymesh/users/v1/users_pb';
import type * as schema from '../db/schema.js';
import type { UserRow } from '../db/schema.js';
import { addRole, findUserById } from '../db/users-repo.js';
import { roleName } from '../domain/roles.js';
import { roleGranted } from '../events/user-events.js';
import { userNotFound } from './user-errors.js';

export async function grantRole(
  db: Database<typeof schema>,
  outbox: Outbox,
  userId: string,
  role: Role,
): Promise<UserRow> {
  const name = roleName(role);
  return inTransaction(db, async (tx) => {
    const changed = await addRole(tx, userId, name);
    if (changed) {
      await outbox.append(tx, roleGranted(userId, role));
      return changed;
    }
    const user = await findUserById(tx, userId);
    if (!user) throw userNotFound(userId);
    return user;
  });
}
