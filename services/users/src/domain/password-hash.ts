/**
 * Password hashing: memory-hard scrypt (node:crypto), stored self-describing as
 * `scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>` so the parameters can change without breaking
 * the hashes already stored.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** The cost of scrypt, as stored with each hash. */
export interface ScryptParameters {
  /** log2 of N, the CPU/memory cost. */
  readonly logN: number;
  /** Block size. */
  readonly r: number;
  /** Parallelisation. */
  readonly p: number;
}

/** A stored hash, parsed. */
export interface PasswordHash extends ScryptParameters {
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** What new hashes use: N = 2^15, r = 8, p = 1 (~32 MiB per hash). */
export const currentParameters: ScryptParameters = { logN: 15, r: 8, p: 1 };

const SALT_BYTES = 32;
const KEY_BYTES = 32;
const PREFIX = 'scrypt';
// Ceilings when reading a stored string, so a corrupted row cannot make one login take gigabytes.
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 16;

/** Hashes `password` with a fresh random salt and the current parameters. */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = currentParameters,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, parameters);
  return formatPasswordHash({ ...parameters, salt, key });
}

/** True when `password` is the one `stored` was made from; compares in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const hash = parsePasswordHash(stored);
  const key = await derive(password, hash.salt, hash.key.length, hash);
  return timingSafeEqual(key, hash.key);
}

/** Reads a stored hash; throws on anything but a well-formed `scrypt$…` string. */
export function parsePasswordHash(stored: string): PasswordHash {
  const parts = stored.split('$');
  const [prefix, logN, r, p, salt, key] = parts;
  if (parts.length !== 6 || prefix !== PREFIX || !salt || !key) {
    throw new Error('not a scrypt password hash');
  }
  const parameters = {
    logN: boundedInt(logN, 1, MAX_LOG_N),
    r: boundedInt(r, 1, MAX_R),
    p: boundedInt(p, 1, MAX_P),
  };
  const saltBytes = Buffer.from(salt, 'base64');
  const keyBytes = Buffer.from(key, 'base64');
  if (saltBytes.length < 16 || keyBytes.length < 16) throw new Error('scrypt salt or key is too short');
  return { ...parameters, salt: saltBytes, key: keyBytes };
}

export function formatPasswordHash(hash: PasswordHash): string {
  return [PREFIX, hash.logN, hash.r, hash.p, hash.salt.toString('base64'), hash.key.toString('base64')].join(
    '$',
  );
}

function derive(
  password: string,
  salt: Buffer,
  length: number,
  parameters: ScryptParameters,
): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  const options: ScryptOptions = {
    N,
    r: parameters.r,
    p: parameters.p,
    // scrypt needs about 128·r·(N + p) bytes; node's default ceiling (32 MiB) is too small for 2^15, r = 8.
    maxmem: 128 * parameters.r * (N + parameters.p + 2) + 1024 * 1024,
  };
  // NFKC, so the same password typed with composed or decomposed characters matches.
  const secret = Buffer.from(password.normalize('NFKC'), 'utf8');
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function boundedInt(text: string | undefined, min: number, max: number): number {
  if (!text || !/^[0-9]{1,3}$/.test(text)) throw new Error('scrypt parameter is not a number');
  const value = Number(text);
  if (value < min || value > max) throw new Error(`scrypt parameter ${value} is outside ${min}..${max}`);
  return value;
}
