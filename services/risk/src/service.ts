/** The risk service: decides on transfers from rules over its own projections of account and transfer events. */
import { fileURLToPath } from 'node:url';
import { defineService } from '@paymesh/platform/service/define-service';
import { RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { riskEnv, riskPolicyOf } from './config/risk-env.js';
import * as schema from './db/schema.js';
import { accountProjection } from './events/account-projection.js';
import { transferProjection } from './events/transfer-projection.js';
import { riskHandlers } from './handlers/risk-handlers.js';

export const risk = defineService({
  schema,
  migrations: fileURLToPath(new URL('../drizzle', import.meta.url)),
  publishes: 'risk',
  env: riskEnv,
  routes:
    ({ db, commits, outbox, config }) =>
    (router) =>
      router.service(RiskService, riskHandlers(db, commits, outbox, riskPolicyOf(config))),
  // The projections' handlers take milliseconds: after a crash their unacknowledged events come
  // back within seconds rather than the kit's 30 s, so velocity is not blind for half a minute.
  consumers: [
    { context: 'transactions', name: 'risk_transfers', handlers: transferProjection(), ackWaitMs: 5_000 },
    { context: 'accounts', name: 'risk_accounts', handlers: accountProjection(), ackWaitMs: 5_000 },
  ],
});
