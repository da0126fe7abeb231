/** The checks Register's contract makes, made first in the browser so a person sees them without a round trip. */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export function signUpProblems(email: string, displayName: string, password: string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) problems.email = 'Enter a valid e-mail address.';
  if (!displayName.trim()) problems.display_name = 'Enter the name people will see.';
  else if ([...displayName.trim()].length > 100) problems.display_name = 'Use at most 100 characters.';
  if ([...password].length < PASSWORD_MIN) problems.password = `Use at least ${PASSWORD_MIN} characters.`;
  else if ([...password].length > PASSWORD_MAX) problems.password = `Use at most ${PASSWORD_MAX} characters.`;
  return problems;
}
