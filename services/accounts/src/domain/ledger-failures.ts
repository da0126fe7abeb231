/** The ledger's domain failures: each a Connect code with a stable reason and the facts a caller may act on. */
import { Code } from '@connectrpc/connect';
import { type DomainError, domainFailure, invalidArgument } from '@paymesh/platform/errors/domain-error';

const domain = 'accounts';

export const LedgerReason = {
  accountNotFound: 'ACCOUNT_NOT_FOUND',
  accountFrozen: 'ACCOUNT_FROZEN',
  systemAccount: 'SYSTEM_ACCOUNT',
  currencyMismatch: 'CURRENCY_MISMATCH',
  insufficientFunds: 'INSUFFICIENT_FUNDS',
  openRequestMismatch: 'OPEN_REQUEST_MISMATCH',
  holdNotFound: 'HOLD_NOT_FOUND',
  holdMismatch: 'HOLD_MISMATCH',
  holdReleased: 'HOLD_RELEASED',
  holdCaptured: 'HOLD_CAPTURED',
  holdExpired: 'HOLD_EXPIRED',
  creditMismatch: 'CREDIT_MISMATCH',
} as const;

export function accountNotFound(accountId: string): DomainError {
  return domainFailure(
    Code.NotFound,
    { reason: LedgerReason.accountNotFound, domain, metadata: { account_id: accountId } },
    `account ${accountId} does not exist`,
  );
}

export function accountFrozen(accountId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.accountFrozen, domain, metadata: { account_id: accountId } },
    `account ${accountId} is frozen`,
  );
}

export function systemAccount(accountId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.systemAccount, domain, metadata: { account_id: accountId } },
    `account ${accountId} is a system account`,
  );
}

export function currencyMismatch(accountId: string, accountCurrency: string, requested: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    {
      reason: LedgerReason.currencyMismatch,
      domain,
      metadata: { account_id: accountId, account_currency: accountCurrency, requested_currency: requested },
    },
    `account ${accountId} holds ${accountCurrency}, not ${requested}`,
  );
}

export function insufficientFunds(accountId: string, available: bigint, requested: bigint): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    {
      reason: LedgerReason.insufficientFunds,
      domain,
      metadata: { account_id: accountId, available: String(available), requested: String(requested) },
    },
    `account ${accountId} has ${available} available, ${requested} requested`,
  );
}

export function openRequestMismatch(requestId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.openRequestMismatch, domain, metadata: { request_id: requestId } },
    `request ${requestId} already opened an account for another owner or currency`,
  );
}

export function holdNotFound(transferId: string): DomainError {
  return domainFailure(
    Code.NotFound,
    { reason: LedgerReason.holdNotFound, domain, metadata: { transfer_id: transferId } },
    `transfer ${transferId} holds nothing`,
  );
}

export function holdMismatch(transferId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.holdMismatch, domain, metadata: { transfer_id: transferId } },
    `transfer ${transferId} already has a hold with other terms`,
  );
}

export function holdReleased(transferId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.holdReleased, domain, metadata: { transfer_id: transferId } },
    `the hold of transfer ${transferId} was released`,
  );
}

export function holdCaptured(transferId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.holdCaptured, domain, metadata: { transfer_id: transferId } },
    `the hold of transfer ${transferId} was captured`,
  );
}

export function holdExpired(transferId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.holdExpired, domain, metadata: { transfer_id: transferId } },
    `the hold of transfer ${transferId} expired and was released`,
  );
}

export function creditMismatch(creditId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: LedgerReason.creditMismatch, domain, metadata: { credit_id: creditId } },
    `credit ${creditId} was already made with other terms`,
  );
}

export function captureToItself(): DomainError {
  return invalidArgument([
    {
      field: 'destination_account_id',
      rule: 'not_source',
      description: 'must differ from the account the hold is on',
    },
  ]);
}

export function captureAmountMismatch(holdAmount: bigint): DomainError {
  return invalidArgument([
    {
      field: 'destination_amount',
      rule: 'equals_hold_amount',
      description: `must equal the held amount (${holdAmount}) when the currencies are the same`,
    },
  ]);
}

export function malformedPageToken(): DomainError {
  return invalidArgument([
    {
      field: 'page_token',
      rule: 'page_token',
      description: 'must be a next_page_token this service returned',
    },
  ]);
}
