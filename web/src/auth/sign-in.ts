/** Signing in: a Login call whose token starts the session. */
import { usersClient } from '../api/clients';
import { sessionStore } from '../session/session-store';

export async function signIn(email: string, password: string): Promise<void> {
  const answer = await usersClient.login({ email: email.trim(), password });
  sessionStore.signIn(answer.accessToken);
}
