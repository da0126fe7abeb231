/**
 * What the app reads from its access token: the claims the gateway trusts (`sub`, `roles`,
 * `email`, `exp`). The signature is the gateway's business; the app only decodes the payload.
 */

export type RoleName = 'customer' | 'operator' | 'auditor';

export interface AccessClaims {
  readonly userId: string;
  readonly email: string;
  readonly roles: readonly RoleName[];
  /** When the token stops being valid, in ms since the epoch. */
  readonly expiresAt: number;
}

const roleNames: readonly RoleName[] = ['customer', 'operator', 'auditor'];

/** The claims of a JWT, or undefined when it is not a well-formed token of ours. */
export function decodeAccessToken(token: string): AccessClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(base64UrlDecode(payload));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { sub, email, roles, exp } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof exp !== 'number') return undefined;
  return {
    userId: sub,
    email: typeof email === 'string' ? email : '',
    roles: Array.isArray(roles) ? roleNames.filter((name) => roles.includes(name)) : [],
    expiresAt: exp * 1000,
  };
}

function base64UrlDecode(text: string): string {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
