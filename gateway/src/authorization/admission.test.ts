import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { reasonOf } from '@paymesh/platform/errors/domain-error';
import type { RoleName } from '@paymesh/users/access-token';
import type { Caller } from '../auth/caller.js';
import { publicMethods } from '../public-api/public-methods.js';
import { admit } from './admission.js';

const rule = (path: string) => {
  const entry = publicMethods().find((e) => e.path.endsWith(path));
  if (!entry) throw new Error(`no public method ${path}`);
  return entry.access;
};
const caller = (...roles: RoleName[]): Caller => ({ userId: 'u-1', roles, token: 't' });

describe('admission', () => {
  it('lets anyone call an anonymous method, signed in or not', () => {
    assert.deepEqual(admit(rule('/Login'), undefined), { admitted: true });
    assert.deepEqual(admit(rule('/GetRates'), caller('customer')), { admitted: true });
  });

  it('asks for a token where the rule admits only roles', () => {
    const admission = admit(rule('/GetAccount'), undefined);
    assert.equal(admission.admitted, false);
    if (admission.admitted) return;
    assert.equal(admission.refusal.code, Code.Unauthenticated);
    assert.equal(reasonOf(admission.refusal), 'TOKEN_MISSING');
  });

  it('refuses a signed-in caller holding none of the allowed roles', () => {
    const admission = admit(rule('/CreditAccount'), caller('customer'));
    assert.equal(admission.admitted, false);
    if (admission.admitted) return;
    assert.equal(admission.refusal.code, Code.PermissionDenied);
    assert.equal(reasonOf(admission.refusal), 'ROLE_REQUIRED');
  });

  it('holds a caller admitted only as a customer to owning the resource', () => {
    const admission = admit(rule('/GetAccount'), caller('customer'));
    assert.equal(admission.admitted && admission.mustOwn?.kind, 'account');
  });

  it('spares operators and auditors the rule admits from ownership', () => {
    assert.deepEqual(admit(rule('/GetAccount'), caller('customer', 'operator')), { admitted: true });
    assert.deepEqual(admit(rule('/GetTransfer'), caller('auditor')), { admitted: true });
  });

  it('holds an operator to ownership where the rule admits only customers', () => {
    const admission = admit(rule('/CreateTransfer'), caller('customer', 'operator'));
    assert.equal(admission.admitted && admission.mustOwn?.kind, 'account');
    assert.equal(admit(rule('/CreateTransfer'), caller('auditor')).admitted, false);
  });
});
