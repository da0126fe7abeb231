import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  currentParameters,
  formatPasswordHash,
  hashPassword,
  parsePasswordHash,
  verifyPassword,
} from './password-hash.js';

describe('password hashing', () => {
  it('verifies the password a hash was made from and refuses any other', async () => {
    const stored = await hashPassword('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('stores scrypt$15$8$1 with a 32-byte salt and a 32-byte key', async () => {
    const stored = await hashPassword('correct horse battery');
    assert.match(stored, /^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const parsed = parsePasswordHash(stored);
    assert.deepEqual({ logN: parsed.logN, r: parsed.r, p: parsed.p }, { logN: 15, r: 8, p: 1 });
    assert.deepEqual(currentParameters, { logN: 15, r: 8, p: 1 });
    assert.equal(parsed.salt.length, 32);
    assert.equal(parsed.key.length, 32);
  });

  it('salts every hash, so one password hashes differently twice', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password here'),
      hashPassword('same password here'),
    ]);
    assert.notEqual(a, b);
  });

  it('verifies with the parameters read from the stored string, not the current ones', async () => {
    const cheap = await hashPassword('an older cheaper hash', { logN: 10, r: 4, p: 2 });
    assert.match(cheap, /^scrypt\$10\$4\$2\$/);
    assert.equal(await verifyPassword('an older cheaper hash', cheap), true);
    assert.equal(await verifyPassword('another password!!', cheap), false);
  });

  it('treats composed and decomposed accents as the same password (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait bien chaud');
    assert.equal(await verifyPassword('cafe\u0301 au lait bien chaud', stored), true);
  });

  it('round-trips a parsed hash through its string form', async () => {
    const stored = await hashPassword('round trip password');
    assert.equal(formatPasswordHash(parsePasswordHash(stored)), stored);
  });

  it('refuses malformed or out-of-range stored strings', () => {
    const salt = Buffer.alloc(32, 1).toString('base64');
    const key = Buffer.alloc(32, 2).toString('base64');
    for (const bad of [
      '',
      'plaintext',
      `bcrypt$15$8$1$${salt}$${key}`,
      `scrypt$15$8$${salt}$${key}`,
      `scrypt$x$8$1$${salt}$${key}`,
      `scrypt$40$8$1$${salt}$${key}`,
      `scrypt$15$0$1$${salt}$${key}`,
      `scrypt$15$8$1$${Buffer.alloc(4).toString('base64')}$${key}`,
      `scrypt$15$8$1$${salt}$`,
    ]) {
      assert.throws(() => parsePasswordHash(bad), Error, `accepted ${JSON.stringify(bad)}`);
    }
  });
});
