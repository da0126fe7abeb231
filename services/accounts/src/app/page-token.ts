/**
 * ListAccounts page tokens: opaque to callers, a base64url keyset cursor (opened_at, account_id)
 * of the last account of the previous page. Anything else is refused as malformed.
 */
import type { AccountCursor } from '../db/accounts-repo.js';
import { malformedPageToken } from '../domain/ledger-failures.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const base64url = /^[A-Za-z0-9_-]+$/;

export function encodePageToken(cursor: AccountCursor): string {
  return Buffer.from(JSON.stringify([cursor.openedAt.toISOString(), cursor.accountId])).toString('base64url');
}

/** The cursor of a token; undefined for the empty token (the first page); INVALID_ARGUMENT when malformed. */
export function decodePageToken(token: string): AccountCursor | undefined {
  if (token === '') return undefined;
  if (!base64url.test(token)) throw malformedPageToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw malformedPageToken();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw malformedPageToken();
  const [openedAt, accountId] = parsed as unknown[];
  if (typeof openedAt !== 'string' || typeof accountId !== 'string' || !uuid.test(accountId)) {
    throw malformedPageToken();
  }
  const date = new Date(openedAt);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== openedAt) throw malformedPageToken();
  return { openedAt: date, accountId };
}
