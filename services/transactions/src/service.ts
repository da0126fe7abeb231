/**
 * The transactions service: transfers and the saga that carries them out across risk, currency and
 * accounts, with a recovery loop that resumes what a crash or an outage left half-way.
 */
import { fileURLToPath } from 'node:url';
import { env } from '@paymesh/platform/config/config';
import { defineService } from '@paymesh/platform/service/define-service';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { CurrencyService } from '@paymesh/proto/paymesh/currency/v1/currency_pb';
import { RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { TransactionsService } from '@paymesh/proto/paymesh/transactions/v1/transactions_pb';
import { resumeTransfersJob } from './app/resume-transfers.js';
import { TransferChanges } from './app/transfer-changes.js';
import { TransferSaga } from './app/transfer-saga.js';
import * as schema from './db/schema.js';
import { transactionsHandlers } from './handlers/transactions-handlers.js';

export const transactions = defineService({
  schema,
  migrations: fileURLToPath(new URL('../drizzle', import.meta.url)),
  publishes: 'transactions',
  upstreams: { risk: RiskService, currency: CurrencyService, accounts: AccountsService },
  env: {
    /** A driver's hold on a transfer; after a crash another takes over once it lapses. */
    SAGA_LEASE_MS: env.durationMs(15_000),
    SAGA_RETRY_INITIAL_MS: env.durationMs(250),
    SAGA_RETRY_MAX_MS: env.durationMs(30_000),
    /** How often the recovery loop looks for transfers to resume. */
    SAGA_RESUME_INTERVAL_MS: env.durationMs(1_000),
    /** How long CreateTransfer with a known key waits for the transfer to settle. */
    TRANSFER_SETTLE_WAIT_MS: env.durationMs(5_000),
    WATCH_POLL_MS: env.durationMs(1_000),
  },
  app: (deps) => {
    const { config } = deps;
    const changes = new TransferChanges();
    const saga = new TransferSaga(deps.db, deps.commits, deps.outbox, deps.clients, changes, deps.logger, {
      leaseMs: config.SAGA_LEASE_MS,
      retry: { initialMs: config.SAGA_RETRY_INITIAL_MS, maxMs: config.SAGA_RETRY_MAX_MS },
    });
    return { changes, saga };
  },
  routes: ({ db, commits, outbox, config, app }) => {
    const handlers = transactionsHandlers(
      {
        db,
        commits,
        outbox,
        saga: app.saga,
        changes: app.changes,
        leaseMs: config.SAGA_LEASE_MS,
        settleWaitMs: config.TRANSFER_SETTLE_WAIT_MS,
      },
      { watchPollMs: config.WATCH_POLL_MS },
    );
    return (router) => router.service(TransactionsService, handlers);
  },
  jobs: ({ db, config, app }) => [
    resumeTransfersJob(db, app.saga, {
      intervalMs: config.SAGA_RESUME_INTERVAL_MS,
      batchSize: 64,
      concurrency: 8,
    }),
  ],
});
