/**
 * Queries whose parameters or rows hold a secret (a password hash, a private key). On failure
 * drizzle puts the parameters in the error message and Postgres may put the failing row in its
 * detail; both would reach the logs, so the error is replaced by one that keeps only the SQLSTATE
 * and the constraint.
 */
import { pgConstraint, pgErrorCode } from '@paymesh/platform/db/database';

export class SecretQueryError extends Error {
  override readonly name = 'SecretQueryError';
  constructor(
    what: string,
    /** SQLSTATE, read by the kit's `pgErrorCode`. */
    readonly code: string | undefined,
    readonly constraint: string | undefined,
  ) {
    super(`${what} failed${code ? ` (SQLSTATE ${code}${constraint ? ` on ${constraint}` : ''})` : ''}`);
  }
}

export async function secretQuery<T>(what: string, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (err) {
    throw new SecretQueryError(what, pgErrorCode(err), pgConstraint(err));
  }
}
