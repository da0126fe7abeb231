/** The users tables: users with their credentials and roles, the token signing keys, and the kit's outbox. */

import { sql } from 'drizzle-orm';
import { check, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { JWK } from 'jose';

export { outbox } from '@paymesh/platform/outbox/schema';

export const users = pgTable(
  'users',
  {
    userId: uuid('user_id').primaryKey(),
    /** Stored lower-cased; unique case-insensitively. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** Self-describing scrypt hash, see domain/password-hash.ts. */
    passwordHash: text('password_hash').notNull(),
    /** 'customer' always, plus 'operator' and 'auditor' when granted. */
    roles: text('roles').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_idx').on(sql`lower(${t.email})`),
    check('users_email_lower_case', sql`${t.email} = lower(${t.email})`),
    check('users_roles_known', sql`${t.roles} <@ array['customer', 'operator', 'auditor']::text[]`),
    check('users_roles_customer', sql`'customer' = any(${t.roles})`),
  ],
);

export type UserRow = typeof users.$inferSelect;

/** Ed25519 keys that sign access tokens: one active (retired_at null), older ones kept while their tokens live. */
export const signingKeys = pgTable(
  'signing_keys',
  {
    /** The public JWK's RFC 7638 thumbprint. */
    kid: text('kid').primaryKey(),
    publicJwk: jsonb('public_jwk').$type<JWK>().notNull(),
    /** PKCS8 PEM. */
    privateKey: text('private_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [
    // At most one active key, whatever two instances do at once.
    uniqueIndex('signing_keys_one_active_idx')
      .on(sql`(${t.retiredAt} is null)`)
      .where(sql`${t.retiredAt} is null`),
    check(
      'signing_keys_retired_after_created',
      sql`${t.retiredAt} is null or ${t.retiredAt} >= ${t.createdAt}`,
    ),
  ],
);

export type SigningKeyRow = typeof signingKeys.$inferSelect;
