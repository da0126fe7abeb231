/** The currency service: FX rates against USD and quotes that lock a pair rate for one transfer. */
import { fileURLToPath } from 'node:url';
import { env } from '@paymesh/platform/config/config';
import { defineService } from '@paymesh/platform/service/define-service';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { pruneQuotesJob } from './app/prune-quotes.js';
import * as schema from './db/schema.js';
import { currencyHandlers } from './handlers/currency-handlers.js';

const minute = 60_000;
const day = 24 * 60 * minute;

export const currency = defineService({
  schema,
  migrations: fileURLToPath(new URL('../drizzle', import.meta.url)),
  publishes: 'currency',
  env: {
    /** How long a quote locks its rate. */
    QUOTE_TTL_MS: env.positiveInt(minute),
    /** How long an expired quote is kept (Convert replays, audits) before prune-quotes deletes it. */
    QUOTE_RETENTION_MS: env.durationMs(7 * day),
    QUOTE_PRUNE_INTERVAL_MS: env.positiveInt(minute),
    QUOTE_PRUNE_BATCH_SIZE: env.positiveInt(1_000),
  },
  routes:
    ({ db, outbox, config }) =>
    (router) =>
      router.service(CurrencyService, currencyHandlers(db, outbox, { quoteTtlMs: config.QUOTE_TTL_MS })),
  jobs: ({ db, config }) => [
    pruneQuotesJob(db, {
      retentionMs: config.QUOTE_RETENTION_MS,
      intervalMs: config.QUOTE_PRUNE_INTERVAL_MS,
      batchSize: config.QUOTE_PRUNE_BATCH_SIZE,
    }),
  ],
});
