/**
 * Whether a caller may make a call, from the method's access rule alone (no I/O): anyone when the
 * rule admits anonymous callers; otherwise a signed-in caller holding one of the allowed roles.
 * A caller admitted only through the customer role is held to owning the request's resource;
 * operators and auditors the rule admits are not.
 */
import type { ConnectError } from '@connectrpc/connect';
import type { RoleName } from '@paymesh/users/access-token';
import type { Caller } from '../auth/caller.js';
import { roleRequired, tokenMissing } from '../gateway-failures.js';
import type { AccessRule, OwnedResource } from '../public-api/public-methods.js';

export type Admission =
  /** Let through; `mustOwn` is what the caller must own first, when it is held to ownership. */
  { admitted: true; mustOwn?: OwnedResource } | { admitted: false; refusal: ConnectError };

export function admit(rule: AccessRule, caller: Caller | undefined): Admission {
  if (rule.anonymous) return { admitted: true };
  if (!caller) return { admitted: false, refusal: tokenMissing() };
  const matching = caller.roles.filter((role) => rule.roles.has(role));
  if (matching.length === 0) return { admitted: false, refusal: roleRequired([...rule.roles]) };
  const onlyAsCustomer = matching.every((role: RoleName) => role === 'customer');
  return onlyAsCustomer && rule.owned ? { admitted: true, mustOwn: rule.owned } : { admitted: true };
}
