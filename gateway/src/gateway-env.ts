/** The gateway's own variables (beyond the kit's), validated at start. */
import { join } from 'node:path';
import { env } from '@paymesh/platform/config/config';
import { REPO_ROOT } from '@paymesh/platform/mesh/topology';
import { z } from 'zod';

const flag = () =>
  z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true');

const origin = () =>
  env
    .url(['http', 'https'])
    .refine((v) => new URL(v).origin === v, 'must be an origin: scheme, host and port, no path')
    .optional();

export const gatewayEnv = {
  // The gateway owns no database and reads no stream: the kit's shared variables that name them
  // are not required here (and are ignored when set).
  DATABASE_URL: z.string().optional(),
  NATS_URL: z.string().optional(),
  USERS_URL: env.url(['http', 'https']),
  ACCOUNTS_URL: env.url(['http', 'https']),
  TRANSACTIONS_URL: env.url(['http', 'https']),
  CURRENCY_URL: env.url(['http', 'https']),
  /** The browser app's origin when it is not served by the gateway itself (CORS); unset: same origin only. */
  WEB_ORIGIN: origin(),
  /** The built web app (Vite's output). */
  WEB_DIST: z
    .string()
    .min(1)
    .default(join(REPO_ROOT, 'web', 'dist')),
  /** Behind a proxy: take the client's address from X-Forwarded-For (its last hop) and TLS from X-Forwarded-Proto. */
  TRUST_PROXY: flag(),
  /** Shared rate-limit counters across gateway instances; unset: counters in this process. */
  REDIS_URL: env.url(['redis', 'rediss']).optional(),
  /** Calls one signed-in user may make per window. */
  RATE_LIMIT_PER_USER: env.positiveInt(60),
  /** Calls one client address may make per window. */
  RATE_LIMIT_PER_IP: env.positiveInt(120),
  RATE_LIMIT_WINDOW_SECONDS: env.positiveInt(10),
  /** How often the signing keys are fetched again from users, whatever happens. */
  JWKS_REFRESH_MS: env.positiveInt(5 * 60_000),
  /** Least time between two fetches prompted by tokens naming a key not known yet. */
  JWKS_REFETCH_COOLDOWN_MS: env.positiveInt(5_000),
  /** Account owners kept in memory (owners never change). */
  ACCOUNT_OWNER_CACHE_SIZE: env.positiveInt(10_000),
};
