/**
 * The signed-in session: the access token kept in memory and in sessionStorage (so a reload in the
 * same tab stays signed in, a new tab or a closed browser does not), and who it belongs to. It
 * signs out by itself when the token expires.
 */
import { type AccessClaims, decodeAccessToken } from './access-token';

export interface Session {
  readonly token: string;
  readonly claims: AccessClaims;
}

/** Why the last session ended: the person chose to, or the platform stopped accepting the token. */
export type SignOutCause = 'signed-out' | 'expired';

const STORAGE_KEY = 'paymesh.access-token';

type Listener = () => void;

let current: Session | undefined;
let lastCause: SignOutCause | undefined;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<Listener>();

function notify() {
  for (const listener of listeners) listener();
}

function storage(): Storage | undefined {
  return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
}

function adopt(token: string): Session | undefined {
  const claims = decodeAccessToken(token);
  if (!claims || claims.expiresAt <= Date.now()) return undefined;
  clearTimeout(expiryTimer);
  // Timers overflow past ~24.8 days; a token never lives that long, but clamp anyway.
  const delay = Math.min(claims.expiresAt - Date.now(), 2_000_000_000);
  expiryTimer = setTimeout(() => sessionStore.signOut('expired'), delay);
  return { token, claims };
}

export const sessionStore = {
  current(): Session | undefined {
    return current;
  },

  lastSignOutCause(): SignOutCause | undefined {
    return lastCause;
  },

  /** Starts a session from a Login answer; throws when the token cannot be read. */
  signIn(token: string): Session {
    const session = adopt(token);
    if (!session) throw new Error('the access token cannot be read or has expired');
    current = session;
    lastCause = undefined;
    storage()?.setItem(STORAGE_KEY, token);
    notify();
    return session;
  },

  signOut(cause: SignOutCause = 'signed-out'): void {
    clearTimeout(expiryTimer);
    storage()?.removeItem(STORAGE_KEY);
    if (!current) return;
    current = undefined;
    lastCause = cause;
    notify();
  },

  /** Signs out only if `token` is still the session's: a late answer to an old token must not end a new session. */
  expire(token: string): void {
    if (current?.token === token) sessionStore.signOut('expired');
  },

  /** Picks the session up again after a reload of the tab. */
  restore(): void {
    const token = storage()?.getItem(STORAGE_KEY);
    if (!token) return;
    const session = adopt(token);
    if (session) current = session;
    else storage()?.removeItem(STORAGE_KEY);
  },

  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
