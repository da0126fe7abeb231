/** The users service's own variables (beyond the kit's), validated at start. */
import { env } from '@paymesh/platform/config/config';
import { z } from 'zod';
import { emailSet } from './domain/email-address.js';

const emailList = () => z.string().optional().transform(emailSet);

export const usersEnv = {
  /** Lifetime of an access token. */
  ACCESS_TOKEN_TTL_MS: env.positiveInt(15 * 60_000),
  /** Age at which the active signing key is replaced by a new one. */
  SIGNING_KEY_ROTATION_MS: env.positiveInt(30 * 24 * 3_600_000),
  /** How often the rotation job looks at the active key's age. */
  SIGNING_KEY_CHECK_INTERVAL_MS: env.positiveInt(60_000),
  /** Comma-separated addresses that also get ROLE_OPERATOR when they register (bootstrap). */
  OPERATOR_EMAILS: emailList(),
  /** Comma-separated addresses that also get ROLE_AUDITOR when they register. */
  AUDITOR_EMAILS: emailList(),
};
