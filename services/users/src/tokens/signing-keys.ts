/**
 * The Ed25519 keys that sign access tokens: exactly one active key, created on first need and
 * replaced when it is older than the rotation period; retired keys stay published while tokens
 * they signed may still be alive. Creating and rotating serialise on one advisory lock, so two
 * instances never both create a key (the one-active unique index backs that up).
 */
import type { Database } from '@paymesh/platform/db/database';
import { inTransaction, type Tx } from '@paymesh/platform/db/transaction';
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type JWK,
} from 'jose';
import type * as schema from '../db/schema.js';
import { type SigningKeyRow, signingKeys } from '../db/schema.js';
import { secretQuery } from '../db/secret-query.js';
import { ACCESS_TOKEN_ALGORITHM } from './access-token.js';

type UsersDb = Database<typeof schema>;

/** Advisory lock (two-key form) held while the active key is created or replaced: 'usrk', 0. */
const SIGNING_KEY_LOCK = [0x7573726b, 0] as const;

/** How long after retirement a key is still published, beyond the access token lifetime. */
export const RETIRED_KEY_GRACE_MS = 5 * 60_000;

/** The key that signs new tokens. */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

/** A public key of the JWKS, as RFC 7517 names its members. */
export interface PublishedKey {
  readonly kid: string;
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly alg: string;
  readonly use: string;
}

/** What rotation did: the active key afterwards, whether it is new, and the one it retired if any. */
export interface Rotation {
  readonly activeKid: string;
  readonly created: boolean;
  readonly retiredKid?: string;
}

export interface SigningKeys {
  /** The key that signs new tokens, created first when there is none. */
  active(): Promise<ActiveSigningKey>;
  /**
   * Makes sure one key is active and younger than `maxAgeMs`: creates one when there is none, or
   * retires the active one and creates its successor when it is older.
   */
  rotate(maxAgeMs: number): Promise<Rotation>;
  /** The active key and every key retired less than the token lifetime + grace ago, newest first. */
  published(): Promise<PublishedKey[]>;
}

export function signingKeyStore(db: UsersDb, options: { tokenTtlMs: number }): SigningKeys {
  // Imported private keys by kid: a key row never changes, so its import can be kept.
  const imported = new Map<string, Promise<CryptoKey>>();
  const importPrivateKey = (row: SigningKeyRow): Promise<CryptoKey> => {
    let key = imported.get(row.kid);
    if (!key) {
      key = importPKCS8(row.privateKey, ACCESS_TOKEN_ALGORITHM);
      imported.set(row.kid, key);
      // A failed import is not kept, so the next call tries again.
      key.catch(() => imported.delete(row.kid));
    }
    return key;
  };
  const publishedWindowMs = options.tokenTtlMs + RETIRED_KEY_GRACE_MS;

  return {
    async active() {
      const row = (await findActive(db)) ?? (await inTransaction(db, ensureActive));
      return { kid: row.kid, privateKey: await importPrivateKey(row) };
    },

    rotate: (maxAgeMs) =>
      inTransaction(db, async (tx) => {
        await lock(tx);
        const current = await findActive(tx);
        if (current && !(await olderThan(tx, current, maxAgeMs))) {
          return { activeKid: current.kid, created: false };
        }
        if (current) {
          await secretQuery('signing key retirement', () =>
            tx.update(signingKeys).set({ retiredAt: sql`now()` }).where(eq(signingKeys.kid, current.kid)),
          );
        }
        const created = await insertKey(tx);
        return { activeKid: created.kid, created: true, ...(current && { retiredKid: current.kid }) };
      }),

    async published() {
      const rows = await db
        .select({ kid: signingKeys.kid, publicJwk: signingKeys.publicJwk })
        .from(signingKeys)
        .where(
          or(
            isNull(signingKeys.retiredAt),
            gt(signingKeys.retiredAt, sql`now() - make_interval(secs => ${publishedWindowMs / 1000})`),
          ),
        )
        .orderBy(desc(signingKeys.createdAt));
      return rows.map(({ kid, publicJwk }) => publishedKey(kid, publicJwk));
    },
  };
}

async function ensureActive(tx: Tx<typeof schema>): Promise<SigningKeyRow> {
  await lock(tx);
  return (await findActive(tx)) ?? (await insertKey(tx));
}

async function lock(tx: Tx<typeof schema>): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SIGNING_KEY_LOCK[0]}, ${SIGNING_KEY_LOCK[1]})`);
}

async function findActive(db: UsersDb | Tx<typeof schema>): Promise<SigningKeyRow | undefined> {
  const [row] = await db.select().from(signingKeys).where(isNull(signingKeys.retiredAt));
  return row;
}

async function olderThan(tx: Tx<typeof schema>, key: SigningKeyRow, maxAgeMs: number): Promise<boolean> {
  // The database's clock, so every instance judges a key's age the same way.
  const [row] = await tx
    .select({ kid: signingKeys.kid })
    .from(signingKeys)
    .where(
      and(
        eq(signingKeys.kid, key.kid),
        sql`${signingKeys.createdAt} <= now() - make_interval(secs => ${maxAgeMs / 1000})`,
      ),
    );
  return row !== undefined;
}

async function insertKey(tx: Tx<typeof schema>): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, {
    crv: 'Ed25519',
    extractable: true,
  });
  const { kty, crv, x } = await exportJWK(publicKey);
  const publicJwk: JWK = { kty, crv, x };
  const kid = await calculateJwkThumbprint(publicJwk);
  const pem = await exportPKCS8(privateKey);
  const [row] = await secretQuery('signing key insert', () =>
    tx.insert(signingKeys).values({ kid, publicJwk, privateKey: pem }).returning(),
  );
  if (!row) throw new Error('signing key insert returned no row');
  return row;
}

function publishedKey(kid: string, jwk: JWK): PublishedKey {
  const { kty, crv, x } = jwk;
  if (kty !== 'OKP' || crv !== 'Ed25519' || !x) throw new Error(`signing key ${kid} is not an Ed25519 key`);
  return { kid, kty, crv, x, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}
