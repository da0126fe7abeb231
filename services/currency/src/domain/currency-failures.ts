/** The currency context's domain failures, each with its stable reason. */
import { Code } from '@connectrpc/connect';
import { type DomainError, domainFailure } from '@paymesh/platform/errors/domain-error';

const domain = 'currency';

export function rateUnavailable(currency: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: 'RATE_UNAVAILABLE', domain, metadata: { currency } },
    `no rate is known for ${currency}`,
  );
}

export function amountTooSmall(sourceCurrency: string, destinationCurrency: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    {
      reason: 'AMOUNT_TOO_SMALL',
      domain,
      metadata: { source_currency: sourceCurrency, destination_currency: destinationCurrency },
    },
    `the amount converts to less than one minor unit of ${destinationCurrency}`,
  );
}

export function amountTooLarge(sourceCurrency: string, destinationCurrency: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    {
      reason: 'AMOUNT_TOO_LARGE',
      domain,
      metadata: { source_currency: sourceCurrency, destination_currency: destinationCurrency },
    },
    `the amount converts to more minor units of ${destinationCurrency} than an int64 holds`,
  );
}

export function quoteRequestMismatch(quoteRequestId: string, quoteId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    {
      reason: 'QUOTE_REQUEST_MISMATCH',
      domain,
      metadata: { quote_request_id: quoteRequestId, quote_id: quoteId },
    },
    'this quote request id already has a quote with other terms',
  );
}

export function quoteNotFound(quoteId: string): DomainError {
  return domainFailure(
    Code.NotFound,
    { reason: 'QUOTE_NOT_FOUND', domain, metadata: { quote_id: quoteId } },
    `quote ${quoteId} does not exist`,
  );
}

export function quoteUsed(quoteId: string): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: 'QUOTE_USED', domain, metadata: { quote_id: quoteId } },
    'the quote was already used by another transfer',
  );
}

export function quoteExpired(quoteId: string, expiresAt: Date): DomainError {
  return domainFailure(
    Code.FailedPrecondition,
    { reason: 'QUOTE_EXPIRED', domain, metadata: { quote_id: quoteId, expires_at: expiresAt.toISOString() } },
    'the quote has expired',
  );
}
