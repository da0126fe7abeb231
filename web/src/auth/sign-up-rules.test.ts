import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signUpProblems } from './sign-up-rules';

describe('signUpProblems', () => {
  it('accepts an address, a name and a password of 12 characters', () => {
    assert.deepEqual(signUpProblems('ada@example.com', 'Ada', 'twelve chars'), {});
  });

  it('asks for 12 characters at least, counting code points, not UTF-16 units', () => {
    assert.equal(
      signUpProblems('ada@example.com', 'Ada', 'eleven char').password,
      'Use at least 12 characters.',
    );
    // Six emoji are 12 UTF-16 units but 6 characters, as the contract counts them.
    assert.equal(
      signUpProblems('ada@example.com', 'Ada', '🔒🔒🔒🔒🔒🔒').password,
      'Use at least 12 characters.',
    );
  });

  it('names each field that is wrong, by its contract name', () => {
    assert.deepEqual(Object.keys(signUpProblems('not-an-address', '  ', 'short')).sort(), [
      'display_name',
      'email',
      'password',
    ]);
  });
});
