/**
 * What a password must be beyond the contract's 12..128 characters: not built from the e-mail's
 * local part, and not a few characters repeated.
 */
import type { Violation } from '@paymesh/platform/errors/domain-error';
import { localPartOf } from './email-address.js';

/** A local part shorter than this is too common a substring to refuse (`al`, `jo`). */
export const MIN_LOCAL_PART_CHECKED = 3;
export const MIN_DISTINCT_CHARACTERS = 5;

/** The rules `password` breaks for a user registering as `email`; empty when it is acceptable. */
export function passwordViolations(password: string, email: string): Violation[] {
  const violations: Violation[] = [];
  const localPart = localPartOf(email).toLowerCase();
  if (localPart.length >= MIN_LOCAL_PART_CHECKED && password.toLowerCase().includes(localPart)) {
    violations.push({
      field: 'password',
      rule: 'password.contains_email',
      description: 'must not contain the part of the e-mail address before the @',
    });
  }
  // Counted by code point, so an emoji or an accented letter is one character.
  if (new Set(password).size < MIN_DISTINCT_CHARACTERS) {
    violations.push({
      field: 'password',
      rule: 'password.distinct_characters',
      description: `must use at least ${MIN_DISTINCT_CHARACTERS} different characters`,
    });
  }
  return violations;
}
