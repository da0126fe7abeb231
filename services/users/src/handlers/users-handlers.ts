/** The UsersService handlers: decode, call the use case, map the result. */
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import type { Database } from '@paymesh/platform/db/database';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import { JwkSchema, type UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { getUser } from '../app/get-user.js';
import { grantRole } from '../app/grant-role.js';
import { logIn } from '../app/log-in.js';
import { registerUser } from '../app/register-user.js';
import type * as schema from '../db/schema.js';
import type { RoleBootstrap } from '../domain/roles.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { userMessage } from './user-message.js';

export interface UsersHandlerDeps {
  db: Database<typeof schema>;
  outbox: Outbox;
  keys: SigningKeys;
  bootstrap: RoleBootstrap;
  tokenTtlMs: number;
}

export function usersHandlers({
  db,
  outbox,
  keys,
  bootstrap,
  tokenTtlMs,
}: UsersHandlerDeps): ServiceImpl<typeof UsersService> {
  return {
    async register(req) {
      const user = await registerUser(db, outbox, req, bootstrap);
      return { user: userMessage(user) };
    },
    async login(req) {
      const session = await logIn(db, keys, req, { tokenTtlMs });
      return {
        accessToken: session.token,
        expiresAt: timestampFromMs(session.expiresAtMs),
        user: userMessage(session.user),
      };
    },
    async getUser(req) {
      return { user: userMessage(await getUser(db, req.userId)) };
    },
    async grantRole(req) {
      return { user: userMessage(await grantRole(db, outbox, req.userId, req.role)) };
    },
    async getJwks() {
      const published = await keys.published();
      return { keys: published.map((key) => create(JwkSchema, key)) };
    },
  };
}
