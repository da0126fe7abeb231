/** A stored decision as the contract's messages: the API's Decision and the RiskDecisionMade event. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type RiskDecisionMade, RiskDecisionMadeSchema } from '@paymesh/proto/paymesh/risk/v1/events_pb';
import { type Decision, DecisionSchema, Outcome } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import type { DecisionRow } from '../db/schema.js';

const OUTCOMES = { APPROVE: Outcome.APPROVE, REVIEW: Outcome.REVIEW, DENY: Outcome.DENY } as const;

export function decisionMessage(row: DecisionRow): Decision {
  return create(DecisionSchema, {
    transferId: row.transferId,
    outcome: OUTCOMES[row.outcome],
    reasons: row.reasons.map(({ rule, detail }) => ({ rule, detail })),
    decidedAt: timestampFromDate(row.decidedAt),
  });
}

export function riskDecisionMade(row: DecisionRow): RiskDecisionMade {
  return create(RiskDecisionMadeSchema, {
    decision: decisionMessage(row),
    sourceAccountId: row.sourceAccountId,
    amount: row.amount,
    currency: row.currency,
  });
}
