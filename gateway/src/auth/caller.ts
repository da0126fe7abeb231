/**
 * Who is calling, once the gateway has verified their token, and how that identity travels to the
 * services: the token itself unchanged plus two headers only the gateway sets. Services trust
 * these headers only on calls from the gateway's identity (the mesh's mTLS makes that checkable);
 * the gateway never passes on a client's own copy of them.
 */
import { createContextKey } from '@connectrpc/connect';
import type { RoleName } from '@paymesh/users/access-token';

export interface Caller {
  /** The user id (the token's `sub`). */
  readonly userId: string;
  readonly roles: readonly RoleName[];
  /** The verified compact JWT, forwarded as it came. */
  readonly token: string;
}

export const USER_ID_HEADER = 'x-paymesh-user-id';
export const ROLES_HEADER = 'x-paymesh-roles';

/** The signed-in caller of this call; undefined for an anonymous one. */
export const callerKey = createContextKey<Caller | undefined>(undefined, { description: 'paymesh caller' });

/** The headers an upstream call carries for `caller`; none for an anonymous one. */
export function identityHeaders(caller: Caller | undefined): Headers {
  const headers = new Headers();
  if (!caller) return headers;
  headers.set('authorization', `Bearer ${caller.token}`);
  headers.set(USER_ID_HEADER, caller.userId);
  headers.set(ROLES_HEADER, caller.roles.join(','));
  return headers;
}
