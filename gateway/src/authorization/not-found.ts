/**
 * The answers the upstreams give for a resource that does not exist, word for word (message,
 * reason, domain, metadata). A customer asking for someone else's resource gets exactly these, so
 * nothing tells an existing resource from a missing one; the gateway's tests compare them with the
 * upstreams' real answers.
 */
import { Code } from '@connectrpc/connect';
import { type DomainError, domainFailure } from '@paymesh/platform/errors/domain-error';

/** As users answers GetUser for an unknown id. */
export const userNotFound = (userId: string): DomainError =>
  domainFailure(
    Code.NotFound,
    { reason: 'USER_NOT_FOUND', domain: 'users', metadata: { user_id: userId } },
    'no such user',
  );

/** As accounts answers GetAccount for an unknown id. */
export const accountNotFound = (accountId: string): DomainError =>
  domainFailure(
    Code.NotFound,
    { reason: 'ACCOUNT_NOT_FOUND', domain: 'accounts', metadata: { account_id: accountId } },
    `account ${accountId} does not exist`,
  );

/** As transactions answers GetTransfer for an unknown id. */
export const transferNotFound = (transferId: string): DomainError =>
  domainFailure(
    Code.NotFound,
    { reason: 'TRANSFER_NOT_FOUND', domain: 'transactions', metadata: { transfer_id: transferId } },
    'transfer not found',
  );
