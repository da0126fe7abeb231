import assert from 'node:assert/strict';
import { it } from 'node:test';
import { minorUnitExponent } from './minor-units.js';

it('knows the minor-unit exponent of zero-, two- and three-decimal currencies', () => {
  assert.equal(minorUnitExponent('JPY'), 0);
  assert.equal(minorUnitExponent('EUR'), 2);
  assert.equal(minorUnitExponent('USD'), 2);
  assert.equal(minorUnitExponent('KWD'), 3);
  assert.equal(minorUnitExponent('BHD'), 3);
});
