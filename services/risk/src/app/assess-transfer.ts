/**
 * Assessing a transfer: the rules run on risk's own projections, and the decision commits with its
 * RiskDecisionMade event. The first decision on a transfer is the only one: a repeat, or a race of
 * several, gets the stored decision and emits nothing.
 */
import { Code } from '@connectrpc/connect';
import type { Executor } from '@paymesh/platform/db/database';
import type { GroupCommit } from '@paymesh/platform/db/group-commit';
import { domainFailure, invalidArgument } from '@paymesh/platform/errors/domain-error';
import type { Outbox } from '@paymesh/platform/outbox/outbox';
import { RiskDecisionMadeSchema } from '@paymesh/proto/paymesh/risk/v1/events_pb';
import { eq } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { type DecisionRow, decisions } from '../db/schema.js';
import { readSourceAccountFacts } from '../db/source-account-facts.js';
import { evaluateRules, type RiskPolicy } from '../domain/rules.js';
import { riskDecisionMade } from '../events/decision-messages.js';

export interface TransferTerms {
  transferId: string;
  sourceAccountId: string;
  destinationAccountId: string;
  amount: bigint;
  currency: string;
}

export async function assessTransfer(
  commits: GroupCommit<typeof schema>,
  outbox: Outbox,
  policy: RiskPolicy,
  request: TransferTerms,
): Promise<DecisionRow> {
  // UUIDs arrive in either case; the database hands them back in lower case.
  const terms = {
    ...request,
    transferId: request.transferId.toLowerCase(),
    sourceAccountId: request.sourceAccountId.toLowerCase(),
    destinationAccountId: request.destinationAccountId.toLowerCase(),
  };
  if (terms.sourceAccountId === terms.destinationAccountId) {
    throw invalidArgument([
      {
        field: 'destination_account_id',
        rule: 'differs_from_source',
        description: 'must differ from source_account_id',
      },
    ]);
  }
  return commits.run(async (tx) => {
    const now = new Date();
    const facts = await readSourceAccountFacts(tx, {
      sourceAccountId: terms.sourceAccountId,
      currency: terms.currency,
      since: new Date(now.getTime() - policy.velocityWindowMs),
    });
    const { outcome, reasons } = evaluateRules(terms, facts, policy, now);
    // A concurrent assessment of the same transfer waits here for the first to commit, then yields.
    const [made] = await tx
      .insert(decisions)
      .values({ ...terms, outcome, reasons: [...reasons], decidedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!made) return sameTerms(await storedDecision(tx, terms.transferId), terms);
    await outbox.append(tx, {
      schema: RiskDecisionMadeSchema,
      message: riskDecisionMade(made),
      aggregateId: made.transferId,
    });
    return made;
  });
}

async function storedDecision(tx: Executor, transferId: string): Promise<DecisionRow> {
  const [first] = await tx.select().from(decisions).where(eq(decisions.transferId, transferId));
  if (!first) throw new Error(`decision on transfer ${transferId} vanished during its own transaction`);
  return first;
}

/** The stored decision, if it was made on these terms; other terms under one transfer id are a caller's bug. */
function sameTerms(stored: DecisionRow, terms: TransferTerms): DecisionRow {
  const same =
    stored.sourceAccountId === terms.sourceAccountId &&
    stored.destinationAccountId === terms.destinationAccountId &&
    stored.amount === terms.amount &&
    stored.currency === terms.currency;
  if (same) return stored;
  throw domainFailure(
    Code.AlreadyExists,
    { reason: 'TRANSFER_TERMS_MISMATCH', domain: 'risk', metadata: { transferId: terms.transferId } },
    `transfer ${terms.transferId} was already assessed with another source, destination, amount or currency`,
  );
}
