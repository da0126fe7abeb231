import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Role } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { emailSet } from './email-address.js';
import { initialRoles, roleName, rolesOf } from './roles.js';

describe('roles', () => {
  it('makes every new user a customer, and staff from the bootstrap lists', () => {
    const bootstrap = {
      operators: emailSet(' Ops@Example.com, ,boss@example.com'),
      auditors: emailSet('boss@example.com'),
    };
    assert.deepEqual(initialRoles('ann@example.com', bootstrap), ['customer']);
    assert.deepEqual(initialRoles('ops@example.com', bootstrap), ['customer', 'operator']);
    assert.deepEqual(initialRoles('boss@example.com', bootstrap), ['customer', 'operator', 'auditor']);
  });

  it('maps stored names to contract roles in the contract order', () => {
    assert.deepEqual(rolesOf(['auditor', 'customer', 'unknown']), [Role.CUSTOMER, Role.AUDITOR]);
    assert.equal(roleName(Role.OPERATOR), 'operator');
    assert.throws(() => roleName(Role.UNSPECIFIED));
  });
});
