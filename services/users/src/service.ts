/**
 * The users service: registers users (outbox: UserRegistered, RoleGranted), checks passwords,
 * issues EdDSA access tokens and publishes their JWKS; a job rotates the signing key.
 */
import { fileURLToPath } from 'node:url';
import { defineService } from '@paymesh/platform/service/define-service';
import { UsersService } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { warmDummyPasswordHash } from './app/log-in.js';
import * as schema from './db/schema.js';
import { usersHandlers } from './handlers/users-handlers.js';
import { signingKeyStore } from './tokens/signing-keys.js';
import { usersEnv } from './users-env.js';

export const users = defineService({
  schema,
  migrations: fileURLToPath(new URL('../drizzle', import.meta.url)),
  publishes: 'users',
  env: usersEnv,
  // One key store per instance, shared by the handlers and the rotation job.
  app: ({ db, config }) => ({ keys: signingKeyStore(db, { tokenTtlMs: config.ACCESS_TOKEN_TTL_MS }) }),
  routes: ({ db, outbox, config, logger, app: { keys } }) => {
    warmDummyPasswordHash().catch((err: unknown) => logger.error({ err }, 'dummy password hash failed'));
    const handlers = usersHandlers({
      db,
      outbox,
      keys,
      bootstrap: { operators: config.OPERATOR_EMAILS, auditors: config.AUDITOR_EMAILS },
      tokenTtlMs: config.ACCESS_TOKEN_TTL_MS,
    });
    return (router) => router.service(UsersService, handlers);
  },
  jobs: ({ config, logger, app: { keys } }) => {
    return [
      {
        name: 'rotate-signing-key',
        intervalMs: config.SIGNING_KEY_CHECK_INTERVAL_MS,
        async run() {
          const rotation = await keys.rotate(config.SIGNING_KEY_ROTATION_MS);
          if (rotation.created) logger.info(rotation, 'new signing key is active');
        },
      },
    ];
  },
});
