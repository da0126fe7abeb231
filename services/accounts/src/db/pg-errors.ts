/** Reading what the database refused: the SQLSTATE codes the kit does not name, and the constraint at fault. */

/** SQLSTATE of a foreign key violation (the kit's PgErrorCode lacks it). */
export const FOREIGN_KEY_VIOLATION = '23503';

/** The name of the constraint a pg error names (drizzle wraps it in `cause`), or undefined. */
export function violatedConstraint(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const constraint = (e as { constraint?: unknown }).constraint;
    if (typeof constraint === 'string') return constraint;
  }
  return undefined;
}
