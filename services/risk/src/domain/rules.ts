/**
 * The risk rules, pure: a transfer, the facts risk's projections hold about its source account and
 * the policy in force give an outcome and every objection. All rules are evaluated; DENY wins over
 * REVIEW over APPROVE.
 */
import { type AmountLimits, amountLimitFor } from './amount-limits.js';

export type Outcome = 'APPROVE' | 'REVIEW' | 'DENY';

/** One rule's objection: the rule's name and a sentence with the figures compared. */
export interface Objection {
  readonly rule: RuleName;
  readonly detail: string;
}

export type RuleName = 'amount_limit' | 'velocity_count' | 'velocity_amount' | 'new_account_limit';

export interface RiskPolicy {
  readonly amountLimits: AmountLimits;
  /** How far back completed transfers count towards velocity. */
  readonly velocityWindowMs: number;
  /** Most transfers a source account may complete in the window, this one included. */
  readonly velocityMaxCount: number;
  /** Most a source account may move in the window, this transfer included, in minor units. */
  readonly velocityMaxAmount: bigint;
  /** An account younger than this is new. */
  readonly newAccountAgeMs: number;
  /** Largest transfer a new account may make without review, in minor units. */
  readonly newAccountLimit: bigint;
}

/** The transfer being assessed. */
export interface TransferToAssess {
  readonly amount: bigint;
  readonly currency: string;
}

/** What risk knows about the source account at the time of the assessment. */
export interface SourceAccountFacts {
  /** Its transfers completed within the velocity window. */
  readonly completedCount: number;
  /** Their sum in the transfer's currency, minor units. */
  readonly completedAmount: bigint;
  /** When it was opened; undefined when risk has seen no AccountOpened for it. */
  readonly openedAt: Date | undefined;
}

export interface Assessment {
  readonly outcome: Outcome;
  readonly reasons: readonly Objection[];
}

const SEVERITY: Record<RuleName, Exclude<Outcome, 'APPROVE'>> = {
  amount_limit: 'DENY',
  velocity_count: 'DENY',
  velocity_amount: 'REVIEW',
  new_account_limit: 'REVIEW',
};

export function evaluateRules(
  transfer: TransferToAssess,
  facts: SourceAccountFacts,
  policy: RiskPolicy,
  now: Date,
): Assessment {
  const reasons = [
    amountLimit(transfer, policy),
    velocityCount(facts, policy),
    velocityAmount(transfer, facts, policy),
    newAccountLimit(transfer, facts, policy, now),
  ].filter((objection): objection is Objection => objection !== undefined);
  return { outcome: outcomeOf(reasons), reasons };
}

/** DENY if any objection denies, else REVIEW if any objects, else APPROVE. */
export function outcomeOf(reasons: readonly Objection[]): Outcome {
  const severities = reasons.map((reason) => SEVERITY[reason.rule]);
  if (severities.includes('DENY')) return 'DENY';
  return severities.length > 0 ? 'REVIEW' : 'APPROVE';
}

function amountLimit(transfer: TransferToAssess, policy: RiskPolicy): Objection | undefined {
  const limit = amountLimitFor(policy.amountLimits, transfer.currency);
  if (transfer.amount <= limit) return undefined;
  return {
    rule: 'amount_limit',
    detail: `The amount ${transfer.amount} exceeds the ${transfer.currency} limit of ${limit} (minor units).`,
  };
}

function velocityCount(facts: SourceAccountFacts, policy: RiskPolicy): Objection | undefined {
  const count = facts.completedCount + 1;
  if (count <= policy.velocityMaxCount) return undefined;
  return {
    rule: 'velocity_count',
    detail:
      `The source account completed ${facts.completedCount} transfers in the last ${duration(policy.velocityWindowMs)}; ` +
      `with this one that is ${count}, over the limit of ${policy.velocityMaxCount}.`,
  };
}

function velocityAmount(
  transfer: TransferToAssess,
  facts: SourceAccountFacts,
  policy: RiskPolicy,
): Objection | undefined {
  const total = facts.completedAmount + transfer.amount;
  if (total <= policy.velocityMaxAmount) return undefined;
  return {
    rule: 'velocity_amount',
    detail:
      `The source account moved ${facts.completedAmount} ${transfer.currency} in the last ${duration(policy.velocityWindowMs)}; ` +
      `with this ${transfer.amount} that is ${total}, over the limit of ${policy.velocityMaxAmount} (minor units).`,
  };
}

function newAccountLimit(
  transfer: TransferToAssess,
  facts: SourceAccountFacts,
  policy: RiskPolicy,
  now: Date,
): Objection | undefined {
  if (transfer.amount <= policy.newAccountLimit) return undefined;
  const limit = `the new-account limit of ${policy.newAccountLimit} (minor units)`;
  if (facts.openedAt === undefined) {
    return {
      rule: 'new_account_limit',
      detail: `Risk has no record of the source account being opened, so it counts as new; the amount ${transfer.amount} exceeds ${limit}.`,
    };
  }
  const ageMs = now.getTime() - facts.openedAt.getTime();
  if (ageMs >= policy.newAccountAgeMs) return undefined;
  return {
    rule: 'new_account_limit',
    detail:
      `The source account was opened ${duration(Math.max(ageMs, 0))} ago, less than ${duration(policy.newAccountAgeMs)}; ` +
      `the amount ${transfer.amount} exceeds ${limit}.`,
  };
}

/** A duration for a person: in the largest unit dividing it exactly (`1 h`, `90 s`), else rounded down (`5 min`). */
export function duration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1_000],
  ];
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  for (const [unit, size] of units) if (ms >= size) return `${Math.floor(ms / size)} ${unit}`;
  return `${ms} ms`;
}
