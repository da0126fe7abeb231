/**
 * The transfers the bank test drives, drawn from the seed: mostly ordinary amounts between random
 * accounts (same- and cross-currency), some far beyond all the money of the currency (they must fail
 * on insufficient funds), some above risk's limit (they must be rejected), and some sent twice at
 * once with one idempotency key (they must make one transfer).
 */
import { RISK_AMOUNT_LIMIT } from './bank-system.js';
import type { Rng } from './rng.js';
import type { BankAccount } from './seed-bank.js';

/** What the client meant; `overdraft` and `denied` say how the transfer must end. */
export type Intent = 'ordinary' | 'overdraft' | 'denied';

export interface PlannedTransfer {
  readonly index: number;
  readonly idempotencyKey: string;
  readonly source: BankAccount;
  readonly destination: BankAccount;
  readonly amount: bigint;
  readonly intent: Intent;
  /** Sent as two concurrent requests with the same key. */
  readonly doubled: boolean;
}

const OVERDRAFT_SHARE = 0.04;
const DENIED_SHARE = 0.04;
const DOUBLED_SHARE = 0.05;
const CROSS_CURRENCY_SHARE = 0.4;

export function planTransfers(rng: Rng, accounts: readonly BankAccount[], count: number, seed: number) {
  // More than every account of a currency holds together, even after conversions into it, yet
  // within risk's limit: only the ledger can refuse it.
  const overdraftFloor = accounts.reduce((sum, a) => sum + a.start, 0n) * 2n;
  if (overdraftFloor >= RISK_AMOUNT_LIMIT) throw new Error('too many accounts for the overdraft amounts');
  const plan: PlannedTransfer[] = [];
  for (let index = 0; index < count; index++) {
    const source = rng.pick(accounts);
    const cross = rng.chance(CROSS_CURRENCY_SHARE);
    const destination = rng.pick(
      accounts.filter((a) => a !== source && (a.currency !== source.currency) === cross),
    );
    const roll = rng.next();
    const intent: Intent =
      roll < OVERDRAFT_SHARE ? 'overdraft' : roll < OVERDRAFT_SHARE + DENIED_SHARE ? 'denied' : 'ordinary';
    const amount =
      intent === 'overdraft'
        ? rng.big(overdraftFloor, RISK_AMOUNT_LIMIT)
        : intent === 'denied'
          ? rng.big(RISK_AMOUNT_LIMIT + 1n, RISK_AMOUNT_LIMIT * 5n)
          : rng.big(1_00n, 50_00n);
    plan.push({
      index,
      idempotencyKey: `chaos-${seed}-${index}`,
      source,
      destination,
      amount,
      intent,
      doubled: rng.chance(DOUBLED_SHARE),
    });
  }
  return plan;
}
