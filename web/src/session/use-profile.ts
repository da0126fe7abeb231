/** The signed-in user's name, from GetUser (which also proves, after a reload, that the token still works). */
import { useEffect, useState } from 'react';
import { usersClient } from '../api/clients';

export function useDisplayName(userId: string): string | undefined {
  const [displayName, setDisplayName] = useState<string>();
  useEffect(() => {
    let live = true;
    usersClient
      .getUser({ userId })
      .then((answer) => {
        if (live) setDisplayName(answer.user?.displayName);
      })
      // The header falls back to the e-mail address; an expired token has signed out already.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [userId]);
  return displayName;
}
