/** Reads what risk's projections know about a source account: its recent transfers and its opening. */
import type { Executor } from '@paymesh/platform/db/database';
import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { SourceAccountFacts } from '../domain/rules.js';
import { completedTransfers, openedAccounts } from './schema.js';

export async function readSourceAccountFacts(
  db: Executor,
  query: { sourceAccountId: string; currency: string; since: Date },
): Promise<SourceAccountFacts> {
  // One statement: the account's opening rides along as a scalar subquery.
  const [facts] = await db
    .select({
      completedCount: count(),
      // Only this currency's minor units add up; an account's transfers all share its currency anyway.
      completedAmount: sql<string>`coalesce(sum(${completedTransfers.amount}) filter (where ${completedTransfers.currency} = ${query.currency}), 0)`,
      openedAt: sql<Date | null>`(${db
        .select({ openedAt: openedAccounts.openedAt })
        .from(openedAccounts)
        .where(eq(openedAccounts.accountId, query.sourceAccountId))})`.mapWith(openedAccounts.openedAt),
    })
    .from(completedTransfers)
    .where(
      and(
        eq(completedTransfers.sourceAccountId, query.sourceAccountId),
        gt(completedTransfers.completedAt, query.since),
      ),
    );
  return {
    completedCount: facts?.completedCount ?? 0,
    completedAmount: BigInt(facts?.completedAmount ?? 0),
    openedAt: facts?.openedAt ?? undefined,
  };
}
