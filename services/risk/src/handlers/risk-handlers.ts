/** The RiskService handlers: decode, call the use case, map the result. */
import type { ServiceImpl } from '@connectrpc/connect';
import type { Database } from '@paymesh/platform/db/database';
import type { GroupCommit } from '@paymesh/platform/db/group-commit';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import type { RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { assessTransfer } from '../app/assess-transfer.js';
import { getDecision } from '../app/get-decision.js';
import type * as schema from '../db/schema.js';
import type { RiskPolicy } from '../domain/rules.js';
import { decisionMessage } from '../events/decision-messages.js';

export function riskHandlers(
  db: Database<typeof schema>,
  commits: GroupCommit<typeof schema>,
  outbox: Outbox,
  policy: RiskPolicy,
): ServiceImpl<typeof RiskService> {
  return {
    async assessTransfer(req) {
      return { decision: decisionMessage(await assessTransfer(commits, outbox, policy, req)) };
    },
    async getDecision(req) {
      return { decision: decisionMessage(await getDecision(db, req.transferId)) };
    },
  };
}
