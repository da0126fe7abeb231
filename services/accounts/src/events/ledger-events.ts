/** The accounts context's domain events, built from the rows they describe and keyed by account id. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { OutboxEvent } from '@paymesh/platform/outbox/outbox';
import {
  AccountCreditedSchema,
  AccountFrozenSchema,
  AccountOpenedSchema,
  FundsHeldSchema,
  HoldCapturedSchema,
  HoldReleasedSchema,
} from '@paymesh/proto/paymesh/accounts/v1/events_pb';
import { accountKindMessage, postingMessages } from '../contract-messages.js';
import type { AccountRow, HoldRow } from '../db/schema.js';
import type { Posting } from '../domain/postings.js';

export function accountOpened(account: AccountRow): OutboxEvent {
  return {
    schema: AccountOpenedSchema,
    aggregateId: account.accountId,
    message: create(AccountOpenedSchema, {
      accountId: account.accountId,
      ownerId: account.ownerId ?? '',
      currency: account.currency,
      kind: accountKindMessage(account.kind),
      openedAt: timestampFromDate(account.openedAt),
    }),
  };
}

export function accountFrozen(account: AccountRow, reason: string): OutboxEvent {
  return {
    schema: AccountFrozenSchema,
    aggregateId: account.accountId,
    message: create(AccountFrozenSchema, { accountId: account.accountId, reason }),
  };
}

/** The account a real hold is on (tombstones have none and emit nothing). */
function heldAccount(hold: HoldRow): { accountId: string; currency: string } {
  if (!hold.accountId || !hold.currency) throw new Error(`hold ${hold.transferId} is a tombstone`);
  return { accountId: hold.accountId, currency: hold.currency };
}

export function fundsHeld(hold: HoldRow): OutboxEvent {
  const { accountId, currency } = heldAccount(hold);
  return {
    schema: FundsHeldSchema,
    aggregateId: accountId,
    message: create(FundsHeldSchema, {
      transferId: hold.transferId,
      accountId,
      amount: hold.amount,
      currency,
      expiresAt: hold.expiresAt ? timestampFromDate(hold.expiresAt) : undefined,
    }),
  };
}

/** Keyed by the source account: the held account's events stay in order. */
export function holdCaptured(hold: HoldRow, lines: readonly Posting[]): OutboxEvent {
  const { accountId, currency } = heldAccount(hold);
  return {
    schema: HoldCapturedSchema,
    aggregateId: accountId,
    message: create(HoldCapturedSchema, {
      transferId: hold.transferId,
      sourceAccountId: accountId,
      destinationAccountId: hold.destinationAccountId ?? '',
      amount: hold.amount,
      currency,
      destinationAmount: hold.destinationAmount ?? 0n,
      destinationCurrency: hold.destinationCurrency ?? '',
      postings: postingMessages(lines),
      capturedAt: timestampFromDate(hold.updatedAt),
    }),
  };
}

export function holdReleased(hold: HoldRow): OutboxEvent {
  const { accountId, currency } = heldAccount(hold);
  return {
    schema: HoldReleasedSchema,
    aggregateId: accountId,
    message: create(HoldReleasedSchema, {
      transferId: hold.transferId,
      accountId,
      amount: hold.amount,
      currency,
      reason: hold.releaseReason ?? '',
    }),
  };
}

export function accountCredited(credit: {
  creditId: string;
  accountId: string;
  amount: bigint;
  currency: string;
  reference: string;
  lines: readonly Posting[];
}): OutboxEvent {
  return {
    schema: AccountCreditedSchema,
    aggregateId: credit.accountId,
    message: create(AccountCreditedSchema, {
      creditId: credit.creditId,
      accountId: credit.accountId,
      amount: credit.amount,
      currency: credit.currency,
      reference: credit.reference,
      postings: postingMessages(credit.lines),
    }),
  };
}
