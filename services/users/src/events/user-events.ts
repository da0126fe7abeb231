/** The users context's events, built from stored rows: UserRegistered and RoleGranted, keyed by user id. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { OutboxEvent } from '@paymesh/platform/outbox/outbox';
import { RoleGrantedSchema, UserRegisteredSchema } from '@paymesh/proto/paymesh/users/v1/events_pb';
import type { Role } from '@paymesh/proto/paymesh/users/v1/users_pb';
import type { UserRow } from '../db/schema.js';
import { rolesOf } from '../domain/roles.js';

export function userRegistered(user: UserRow): OutboxEvent<typeof UserRegisteredSchema> {
  return {
    schema: UserRegisteredSchema,
    message: create(UserRegisteredSchema, {
      userId: user.userId,
      email: user.email,
      displayName: user.displayName,
      roles: rolesOf(user.roles),
      registeredAt: timestampFromDate(user.createdAt),
    }),
    aggregateId: user.userId,
  };
}

export function roleGranted(userId: string, role: Role): OutboxEvent<typeof RoleGrantedSchema> {
  return {
    schema: RoleGrantedSchema,
    message: create(RoleGrantedSchema, { userId, role }),
    aggregateId: userId,
  };
}
