/**
 * The answers the gateway gives on its own, each a Connect code with a stable reason (domain
 * `gateway`). They are ConnectErrors already because most are raised in the request gate, which
 * runs before the kit's error interceptor.
 */
import { Code, type ConnectError } from '@connectrpc/connect';
import { domainFailure, toConnectError } from '@paymesh/platform/errors/domain-error';

const domain = 'gateway';

export const GatewayReason = {
  tokenMissing: 'TOKEN_MISSING',
  tokenInvalid: 'TOKEN_INVALID',
  tokenExpired: 'TOKEN_EXPIRED',
  roleRequired: 'ROLE_REQUIRED',
  rateLimited: 'RATE_LIMITED',
  signingKeysUnavailable: 'SIGNING_KEYS_UNAVAILABLE',
} as const;

function refusal(code: Code, reason: string, message: string, metadata: Record<string, string> = {}) {
  return toConnectError(domainFailure(code, { reason, domain, metadata }, message)).error;
}

export const tokenMissing = (): ConnectError =>
  refusal(Code.Unauthenticated, GatewayReason.tokenMissing, 'this call needs an access token: sign in');

export const tokenInvalid = (): ConnectError =>
  refusal(Code.Unauthenticated, GatewayReason.tokenInvalid, 'the access token is not valid: sign in again');

export const tokenExpired = (): ConnectError =>
  refusal(Code.Unauthenticated, GatewayReason.tokenExpired, 'the access token has expired: sign in again');

export const roleRequired = (roles: readonly string[]): ConnectError =>
  refusal(
    Code.PermissionDenied,
    GatewayReason.roleRequired,
    `this call needs one of the roles: ${roles.join(', ')}`,
    { allowed_roles: roles.join(',') },
  );

export const rateLimited = (scope: 'user' | 'ip', retryAfterSeconds: number): ConnectError =>
  refusal(
    Code.ResourceExhausted,
    GatewayReason.rateLimited,
    `too many requests: retry in ${retryAfterSeconds} s`,
    { scope, retry_after_seconds: String(retryAfterSeconds) },
  );

export const signingKeysUnavailable = (): ConnectError =>
  refusal(
    Code.Unavailable,
    GatewayReason.signingKeysUnavailable,
    'access tokens cannot be verified right now: retry shortly',
  );
