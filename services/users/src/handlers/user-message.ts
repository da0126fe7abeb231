/** A stored user as the contract's User message: never a credential. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type User, UserSchema } from '@paymesh/proto/paymesh/users/v1/users_pb';
import type { UserRow } from '../db/schema.js';
import { rolesOf } from '../domain/roles.js';

export function userMessage(row: UserRow): User {
  return create(UserSchema, {
    userId: row.userId,
    email: row.email,
    displayName: row.displayName,
    roles: rolesOf(row.roles),
    createdAt: timestampFromDate(row.createdAt),
  });
}
