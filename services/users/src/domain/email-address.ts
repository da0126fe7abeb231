/** E-mail addresses as users stores and compares them: lower-cased, so `Ann@X.io` and `ann@x.io` are one. */

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What comes before the last `@` (the whole address when there is none). */
export function localPartOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}

/** A comma-separated list of addresses (OPERATOR_EMAILS), normalised; blanks are ignored. */
export function emailSet(list: string | undefined): ReadonlySet<string> {
  return new Set(
    (list ?? '')
      .split(',')
      .map(normalizeEmail)
      .filter((email) => email.length > 0),
  );
}
