import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passwordViolations } from './password-policy.js';

const rules = (password: string, email: string) => passwordViolations(password, email).map((v) => v.rule);

describe('password policy', () => {
  it('accepts a password with enough distinct characters and no part of the address', () => {
    assert.deepEqual(passwordViolations('violet-harbour-42', 'ann.lee@example.com'), []);
  });

  it('refuses a password containing the local part, in any case', () => {
    assert.deepEqual(rules('xxAnn.Lee2024!', 'ann.lee@example.com'), ['password.contains_email']);
    assert.deepEqual(rules('ANN.LEE-forever', 'ann.lee@example.com'), ['password.contains_email']);
  });

  it('ignores a local part shorter than 3 characters', () => {
    assert.deepEqual(rules('my-al-password-1', 'al@example.com'), []);
  });

  it('checks a local part of exactly 3 characters', () => {
    assert.deepEqual(rules('my-bob-password-1', 'bob@example.com'), ['password.contains_email']);
  });

  it('refuses fewer than 5 distinct characters and accepts exactly 5', () => {
    assert.deepEqual(rules('abababababab', 'zed@example.com'), ['password.distinct_characters']);
    assert.deepEqual(rules('abcdabcdabcd', 'zed@example.com'), ['password.distinct_characters']);
    assert.deepEqual(rules('abcdeabcdeab', 'zed@example.com'), []);
  });

  it('counts distinct characters by code point and case-sensitively', () => {
    assert.deepEqual(rules('😀😁😀😁😀😁😀😁😀😁😀😁', 'zed@example.com'), ['password.distinct_characters']);
    assert.deepEqual(rules('aAbBcaAbBcaA', 'zed@example.com'), []);
  });

  it('reports every broken rule, each naming the password field with a description', () => {
    const violations = passwordViolations('annannannann', 'ann@example.com');
    assert.deepEqual(
      violations.map((v) => [v.field, v.rule]),
      [
        ['password', 'password.contains_email'],
        ['password', 'password.distinct_characters'],
      ],
    );
    for (const v of violations) assert.ok(v.description.length > 10);
  });
});
