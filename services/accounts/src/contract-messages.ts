/** Ledger rows as the contract's messages: Account, Hold, Posting and their enums. */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type Account,
  AccountKind,
  AccountSchema,
  AccountStatus,
  type Hold,
  HoldSchema,
  HoldStatus,
  type Posting as PostingMessage,
  PostingSchema,
} from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import type { AccountRow, HoldRow } from './db/schema.js';
import type { AccountKindName, AccountStatusName } from './domain/account-state.js';
import type { HoldStatusName } from './domain/hold-decisions.js';
import type { Posting } from './domain/postings.js';

const kinds: Record<AccountKindName, AccountKind> = {
  customer: AccountKind.CUSTOMER,
  funding: AccountKind.FUNDING,
  fx_pool: AccountKind.FX_POOL,
};

const statuses: Record<AccountStatusName, AccountStatus> = {
  active: AccountStatus.ACTIVE,
  frozen: AccountStatus.FROZEN,
};

const holdStatuses: Record<HoldStatusName, HoldStatus> = {
  held: HoldStatus.HELD,
  captured: HoldStatus.CAPTURED,
  released: HoldStatus.RELEASED,
};

export function accountKindMessage(kind: AccountKindName): AccountKind {
  return kinds[kind];
}

export function accountMessage(row: AccountRow): Account {
  return create(AccountSchema, {
    accountId: row.accountId,
    ownerId: row.ownerId ?? '',
    currency: row.currency,
    kind: kinds[row.kind],
    status: statuses[row.status],
    postedBalance: row.postedBalance,
    heldBalance: row.heldBalance,
    availableBalance: row.postedBalance - row.heldBalance,
    openedAt: timestampFromDate(row.openedAt),
  });
}

/** A hold; a tombstone reads as a released hold of 0 on no account. */
export function holdMessage(row: HoldRow): Hold {
  return create(HoldSchema, {
    transferId: row.transferId,
    accountId: row.accountId ?? '',
    amount: row.amount,
    currency: row.currency ?? '',
    status: holdStatuses[row.status],
    expiresAt: row.expiresAt ? timestampFromDate(row.expiresAt) : undefined,
    releaseReason: row.releaseReason ?? '',
  });
}

export function postingMessages(lines: readonly Posting[]): PostingMessage[] {
  return lines.map((line) => create(PostingSchema, line));
}
