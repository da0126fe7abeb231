/** The accounts service: the double-entry ledger (accounts, holds, postings), its RPCs and the hold-expiry job. */
import { fileURLToPath } from 'node:url';
import { env } from '@paymesh/platform/config/config';
import { defineService } from '@paymesh/platform/service/define-service';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { expireHolds } from './app/expire-holds.js';
import { SystemAccounts } from './app/system-accounts.js';
import * as schema from './db/schema.js';
import { accountsHandlers } from './handlers/accounts-handlers.js';

export const accounts = defineService({
  schema,
  migrations: fileURLToPath(new URL('../drizzle', import.meta.url)),
  publishes: 'accounts',
  env: {
    /** How long a hold lasts before it is released as expired (default 10 minutes). */
    HOLD_TTL_MS: env.durationMs(600_000),
    /** Pause between passes of the expire-holds job (default 5 s). */
    HOLD_SWEEP_INTERVAL_MS: env.positiveInt(5_000),
  },
  routes:
    ({ db, commits, outbox, config }) =>
    (router) =>
      router.service(
        AccountsService,
        accountsHandlers({
          db,
          commits,
          outbox,
          systemAccounts: new SystemAccounts(db, outbox),
          holdTtlMs: config.HOLD_TTL_MS,
        }),
      ),
  jobs: ({ db, outbox, config }) => [
    {
      name: 'expire-holds',
      intervalMs: config.HOLD_SWEEP_INTERVAL_MS,
      run: () => expireHolds({ db, outbox }),
    },
  ],
});
