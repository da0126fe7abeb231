/** The current session as React state: components re-render when someone signs in or out. */
import { useSyncExternalStore } from 'react';
import { type Session, sessionStore } from './session-store';

export function useSession(): Session | undefined {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.current);
}

/** The signed-in session, for components that only render inside one. */
export function useSignedIn(): Session {
  const session = useSession();
  if (!session) throw new Error('useSignedIn outside a session');
  return session;
}
