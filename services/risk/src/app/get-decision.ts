/** Reading the decision made on a transfer; none yet is NOT_FOUND. */
import { Code } from '@connectrpc/connect';
import type { Database } from '@paymesh/platform/db/database';
import { domainFailure } from '@paymesh/platform/errors/domain-error';
import { eq } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { type DecisionRow, decisions } from '../db/schema.js';

export async function getDecision(db: Database<typeof schema>, transferId: string): Promise<DecisionRow> {
  const [decision] = await db
    .select()
    .from(decisions)
    .where(eq(decisions.transferId, transferId.toLowerCase()));
  if (decision) return decision;
  throw domainFailure(
    Code.NotFound,
    { reason: 'DECISION_NOT_FOUND', domain: 'risk', metadata: { transferId } },
    `no decision has been made on transfer ${transferId}`,
  );
}
