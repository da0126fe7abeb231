/**
 * The sentence a person reads for every stable reason the platform answers with, whether it comes
 * as an error (ErrorInfo.reason) or as a failed transfer's `failureReason`.
 */

const reasonMessages: Readonly<Record<string, string>> = {
  // users
  EMAIL_TAKEN: 'An account with this e-mail address already exists. Sign in instead.',
  INVALID_CREDENTIALS: 'The e-mail address or password is wrong.',
  USER_NOT_FOUND: 'We could not find this user.',
  // accounts
  INSUFFICIENT_FUNDS: 'Insufficient funds: the available balance does not cover this amount.',
  ACCOUNT_FROZEN: 'The account is frozen: no money can move in or out of it.',
  ACCOUNT_NOT_FOUND: 'There is no account with this id.',
  DESTINATION_NOT_FOUND: 'The receiving account does not exist. Check the account id.',
  SYSTEM_ACCOUNT: 'This is a platform account: it cannot be used here.',
  CURRENCY_MISMATCH: 'The currency does not match the account’s currency.',
  CREDIT_MISMATCH: 'This credit was already made with other details.',
  OPEN_REQUEST_MISMATCH: 'This request already opened a different account. Please try again.',
  HOLD_EXPIRED: 'The reserved funds expired before the transfer could finish. Please send it again.',
  // transactions
  RISK_DENIED: 'The transfer was declined by our risk checks.',
  IDEMPOTENCY_KEY_REUSED:
    'A transfer with different details was already sent from this form. Check your history before sending again.',
  TRANSFER_NOT_FOUND: 'We could not find this transfer.',
  // currency
  QUOTE_EXPIRED: 'The exchange rate expired before the transfer could use it. Please send it again.',
  QUOTE_USED: 'The exchange rate was already used by another transfer. Please send it again.',
  QUOTE_NOT_FOUND: 'The exchange rate quote could not be found. Please send it again.',
  RATE_UNAVAILABLE: 'We have no exchange rate for this currency right now.',
  AMOUNT_TOO_SMALL: 'The amount is too small to convert into the other currency.',
  AMOUNT_TOO_LARGE: 'The amount is too large to convert.',
  // gateway
  RATE_LIMITED: 'Too many requests. Please wait a moment and try again.',
  TOKEN_MISSING: 'Please sign in to continue.',
  TOKEN_INVALID: 'Your session has ended. Please sign in again.',
  TOKEN_EXPIRED: 'Your session has expired. Please sign in again.',
  ROLE_REQUIRED: 'Your role does not allow this.',
  SIGNING_KEYS_UNAVAILABLE: 'Signing in is briefly unavailable. Please try again in a moment.',
};

/** The sentence for a reason, or undefined when the reason is unknown. */
export function messageForReason(reason: string): string | undefined {
  return reasonMessages[reason];
}

/** Why a transfer failed, in words; `fallback` (the service's own sentence) for a reason not in the table. */
export function transferFailureMessage(reason: string, fallback?: string): string {
  const known = messageForReason(reason);
  if (known) return known;
  if (fallback) return `The transfer could not be completed: ${fallback.replace(/\.$/, '')}.`;
  return 'The transfer could not be completed. No money moved.';
}

export const knownReasons: readonly string[] = Object.keys(reasonMessages);
