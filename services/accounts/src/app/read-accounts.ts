/** Reading accounts: one by id, or an owner's a page at a time, oldest first. */
import type { Database } from '@paymesh/platform/db/database';
import { findAccount, listOwnerAccounts } from '../db/accounts-repo.js';
import type * as schema from '../db/schema.js';
import type { AccountRow } from '../db/schema.js';
import { accountNotFound } from '../domain/ledger-failures.js';
import { decodePageToken, encodePageToken } from './page-token.js';

const DEFAULT_PAGE_SIZE = 50;

export async function getAccount(db: Database<typeof schema>, accountId: string): Promise<AccountRow> {
  const account = await findAccount(db, accountId);
  if (!account) throw accountNotFound(accountId);
  return account;
}

export async function listAccounts(
  db: Database<typeof schema>,
  request: { ownerId: string; pageSize: number; pageToken: string },
): Promise<{ accounts: AccountRow[]; nextPageToken: string }> {
  const cursor = decodePageToken(request.pageToken);
  const pageSize = request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize;
  // One more than the page: whether it exists says whether there is a next page.
  const rows = await listOwnerAccounts(db, request.ownerId, cursor, pageSize + 1);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const nextPageToken =
    rows.length > pageSize && last
      ? encodePageToken({ openedAt: last.openedAt, accountId: last.accountId })
      : '';
  return { accounts: page, nextPageToken };
}
