/**
 * Double-entry postings: the balanced lines of a capture or a credit, and the balance changes
 * they make. Pure: amounts are bigint minor units, every entry sums to zero per currency.
 */

/** One signed line: negative debits, positive credits. */
export interface Posting {
  readonly accountId: string;
  readonly amount: bigint;
  readonly currency: string;
}

/** What one entry does to one account's balances. */
export interface BalanceChange {
  readonly accountId: string;
  readonly posted: bigint;
  readonly held: bigint;
}

/** A hold being posted to its destination; `pools` only when the currencies differ. */
export interface CaptureLegs {
  readonly sourceAccountId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly destinationAccountId: string;
  readonly destinationAmount: bigint;
  readonly destinationCurrency: string;
  readonly pools?: { readonly source: string; readonly destination: string };
}

/**
 * Same currency: source −A, destination +A. Different currencies: source −A and FX pool (source
 * currency) +A; FX pool (destination currency) −B and destination +B.
 */
export function capturePostings(legs: CaptureLegs): Posting[] {
  if (legs.amount <= 0n || legs.destinationAmount <= 0n)
    throw new RangeError('capture amounts must be positive');
  if (legs.sourceAccountId === legs.destinationAccountId) {
    throw new RangeError('a capture needs two distinct accounts');
  }
  const debit = { accountId: legs.sourceAccountId, amount: -legs.amount, currency: legs.currency };
  const credit = {
    accountId: legs.destinationAccountId,
    amount: legs.destinationAmount,
    currency: legs.destinationCurrency,
  };
  if (legs.currency === legs.destinationCurrency) {
    if (legs.amount !== legs.destinationAmount) {
      throw new RangeError('a same-currency capture credits exactly what it debits');
    }
    if (legs.pools) throw new RangeError('a same-currency capture goes through no FX pool');
    return [debit, credit];
  }
  if (!legs.pools) throw new RangeError('a cross-currency capture goes through the FX pools');
  return [
    debit,
    { accountId: legs.pools.source, amount: legs.amount, currency: legs.currency },
    {
      accountId: legs.pools.destination,
      amount: -legs.destinationAmount,
      currency: legs.destinationCurrency,
    },
    credit,
  ];
}

/** A credit from the currency's funding account: funding −A, account +A. */
export function creditPostings(credit: {
  fundingAccountId: string;
  accountId: string;
  amount: bigint;
  currency: string;
}): Posting[] {
  if (credit.amount <= 0n) throw new RangeError('a credit amount must be positive');
  return [
    { accountId: credit.fundingAccountId, amount: -credit.amount, currency: credit.currency },
    { accountId: credit.accountId, amount: credit.amount, currency: credit.currency },
  ];
}

/** True when the postings sum to zero in every currency they touch. */
export function isBalanced(postings: readonly Posting[]): boolean {
  const sums = new Map<string, bigint>();
  for (const p of postings) sums.set(p.currency, (sums.get(p.currency) ?? 0n) + p.amount);
  return [...sums.values()].every((sum) => sum === 0n);
}

/**
 * The balance changes of postings, one per account in account id order (the order rows are
 * locked in). `spentHolds` are holds the postings consume or that are given back: their amounts
 * leave the held balances.
 */
export function balanceChanges(
  postings: readonly Posting[],
  spentHolds: readonly { readonly accountId: string; readonly amount: bigint }[] = [],
): BalanceChange[] {
  const changes = new Map<string, { posted: bigint; held: bigint }>();
  const of = (accountId: string) => {
    let change = changes.get(accountId);
    if (!change) {
      change = { posted: 0n, held: 0n };
      changes.set(accountId, change);
    }
    return change;
  };
  for (const p of postings) of(p.accountId).posted += p.amount;
  for (const h of spentHolds) of(h.accountId).held -= h.amount;
  return [...changes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([accountId, { posted, held }]) => ({ accountId, posted, held }));
}
