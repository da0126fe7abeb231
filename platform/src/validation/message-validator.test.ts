import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, type DescMessage, fromJson, type JsonValue } from '@bufbuild/protobuf';
import {
  EchoRequestSchema,
  file_paymesh_fixture_v1_fixture,
  RecordEntryRequestSchema,
} from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import type { Violation } from '../errors/domain-error.js';
import { ContractError } from './contract-error.js';
import { validatorFor } from './message-validator.js';
import { testMessage } from './test-contract.js';

const validEntry = {
  entryId: '3f6c1a52-9d4e-4b1a-8c55-2f0b8e9a7d10',
  accountId: 'acc-1',
  amount: 1500n,
  currency: 'EUR',
  labels: ['a'],
};

/** [path, rule] of each violation, in order. */
function broken(desc: DescMessage, json: JsonValue): [string, string][] {
  return pairs(validatorFor(desc).validate(fromJson(desc, json)));
}

function pairs(violations: Violation[]): [string, string][] {
  return violations.map((v) => [v.field, v.rule]);
}

const order = testMessage('Order');
const party = { id: '0b7f6a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b' };
const validOrder = {
  status: 'STATUS_OPEN',
  lines: [{ currency: 'EUR', amount: '100' }],
  payer: party,
};

describe('validatorFor over the fixture contract', () => {
  it('accepts a request that keeps every rule', () => {
    assert.deepEqual(
      validatorFor(RecordEntryRequestSchema).validate(create(RecordEntryRequestSchema, validEntry)),
      [],
    );
  });

  it('names every broken rule of a request, not only the first', () => {
    const request = create(RecordEntryRequestSchema, {
      entryId: 'not-a-uuid',
      accountId: `Bad_${'x'.repeat(64)}`,
      amount: 0n,
      currency: 'XYZ',
      labels: Array.from({ length: 9 }, (_, i) => `l${i}`),
    });
    assert.deepEqual(pairs(validatorFor(RecordEntryRequestSchema).validate(request)), [
      ['entry_id', 'string.format'],
      ['account_id', 'string.max_len'],
      ['account_id', 'string.pattern'],
      ['amount', 'int.gt'],
      ['currency', 'string.format'],
      ['labels', 'repeated.max_items'],
    ]);
  });

  it('reports unset required fields once, without their other rules', () => {
    const violations = validatorFor(RecordEntryRequestSchema).validate(create(RecordEntryRequestSchema));
    assert.deepEqual(pairs(violations), [
      ['entry_id', 'required'],
      ['account_id', 'required'],
      ['amount', 'int.gt'],
      ['currency', 'required'],
    ]);
    assert.equal(violations[0]?.description, 'is required');
    assert.equal(violations[2]?.description, 'must be greater than 0');
  });

  it('keeps int64 bounds inclusive and exact', () => {
    const v = validatorFor(RecordEntryRequestSchema);
    assert.deepEqual(
      v.validate(create(RecordEntryRequestSchema, { ...validEntry, amount: 100_000_000_000n })),
      [],
    );
    assert.deepEqual(
      pairs(v.validate(create(RecordEntryRequestSchema, { ...validEntry, amount: 100_000_000_001n }))),
      [['amount', 'int.lte']],
    );
  });

  it('measures string length in code points, not UTF-16 units', () => {
    const v = validatorFor(EchoRequestSchema);
    assert.deepEqual(v.validate(create(EchoRequestSchema, { message: '😀'.repeat(1024) })), []);
    const [violation] = v.validate(create(EchoRequestSchema, { message: '😀'.repeat(1025) }));
    assert.deepEqual(violation, {
      field: 'message',
      rule: 'string.max_len',
      description: 'must be at most 1024 characters',
    });
  });

  it('accepts only currencies in use and canonical UUIDs', () => {
    const v = validatorFor(RecordEntryRequestSchema);
    const rulesOf = (init: Partial<typeof validEntry>) =>
      pairs(v.validate(create(RecordEntryRequestSchema, { ...validEntry, ...init })));
    assert.deepEqual(rulesOf({ currency: 'JPY' }), []);
    assert.deepEqual(rulesOf({ currency: 'eur' }), [['currency', 'string.format']]);
    assert.deepEqual(rulesOf({ currency: 'DEM' }), [['currency', 'string.format']]);
    assert.deepEqual(rulesOf({ entryId: '3F6C1A52-9D4E-4B1A-8C55-2F0B8E9A7D10' }), []);
    assert.deepEqual(rulesOf({ entryId: '3f6c1a529d4e4b1a8c552f0b8e9a7d10' }), [
      ['entry_id', 'string.format'],
    ]);
  });

  it('compiles every message of the fixture contract', () => {
    for (const desc of file_paymesh_fixture_v1_fixture.messages)
      assert.doesNotThrow(() => validatorFor(desc));
  });

  it('compiles a message type once', () => {
    assert.equal(validatorFor(RecordEntryRequestSchema), validatorFor(RecordEntryRequestSchema));
  });
});

describe('validatorFor over nested contracts', () => {
  it('accepts a valid nested message', () => {
    assert.deepEqual(broken(order, validOrder), []);
  });

  it('paths violations into list items, map values, oneofs and recursive messages', () => {
    assert.deepEqual(
      broken(order, {
        ...validOrder,
        lines: [
          { currency: 'EUR', amount: '1' },
          { currency: 'ABC', amount: '0' },
          { currency: 'USD', amount: '5', counterparty: { id: party.id, parent: { id: 'nope' } } },
        ],
        limits: { 'eu.x': { currency: 'EUR', amount: '-1' } },
        party: { id: '' },
        tags: ['ok', 'long'],
        states: { 7: 'STATUS_OPEN', 8: 9 },
      }),
      [
        ['lines[1].currency', 'string.format'],
        ['lines[1].amount', 'int.gt'],
        ['lines[2].counterparty.parent.id', 'string.format'],
        ['limits["eu.x"].amount', 'int.gt'],
        ['party.id', 'required'],
        ['tags[1]', 'string.max_len'],
        ['states[8]', 'enum.defined_only'],
      ],
    );
  });

  it('requires present messages, non-empty lists and a non-zero enum', () => {
    assert.deepEqual(broken(order, {}), [
      ['status', 'required'],
      ['lines', 'required'],
      ['payer', 'required'],
    ]);
  });

  it('bounds the number of list items and map entries', () => {
    const line = { currency: 'EUR', amount: '1' };
    assert.deepEqual(
      broken(order, {
        ...validOrder,
        lines: [line, line, line, line],
        limits: { a: line, b: line, c: line },
      }),
      [
        ['lines', 'repeated.max_items'],
        ['limits', 'repeated.max_items'],
      ],
    );
  });

  it('rejects enum numbers the contract does not declare', () => {
    const [violation] = validatorFor(order).validate(fromJson(order, { ...validOrder, status: 7 }));
    assert.deepEqual(violation, {
      field: 'status',
      rule: 'enum.defined_only',
      description: 'must be one of STATUS_UNSPECIFIED, STATUS_OPEN, STATUS_CLOSED',
    });
  });

  it('checks an optional field only when it is present', () => {
    assert.deepEqual(broken(order, validOrder), []);
    assert.deepEqual(broken(order, { ...validOrder, priority: 0 }), [['priority', 'int.gte']]);
    assert.deepEqual(broken(order, { ...validOrder, priority: 10 }), [['priority', 'int.lt']]);
    assert.deepEqual(broken(order, { ...validOrder, priority: 9 }), []);
  });

  it('checks the selected member of a oneof only', () => {
    assert.deepEqual(broken(order, { ...validOrder, accountId: 'acc-12' }), []);
    assert.deepEqual(broken(order, { ...validOrder, accountId: 'xacc-12' }), [
      ['account_id', 'string.pattern'],
    ]);
  });

  it('counts lengths in code points and leaves an empty optional string alone', () => {
    assert.deepEqual(broken(order, { ...validOrder, reference: 'a😀b' }), []);
    assert.deepEqual(broken(order, { ...validOrder, reference: '' }), []);
    assert.deepEqual(broken(order, { ...validOrder, reference: 'ab' }), [['reference', 'string.min_len']]);
    assert.deepEqual(broken(order, { ...validOrder, reference: 'abcdef' }), [
      ['reference', 'string.max_len'],
    ]);
  });

  it('recognizes e-mail addresses', () => {
    assert.deepEqual(broken(order, { ...validOrder, customerEmail: 'ana@example.com' }), []);
    for (const bad of ['ana@example', 'ana example@x.com', 'a@b@c.com', 'ana@.com']) {
      assert.deepEqual(
        broken(order, { ...validOrder, customerEmail: bad }),
        [['customer_email', 'string.format']],
        bad,
      );
    }
  });

  it('compares int64 beyond 2^53 exactly', () => {
    assert.deepEqual(broken(order, { ...validOrder, total: '9007199254740993' }), []);
    assert.deepEqual(broken(order, { ...validOrder, total: '9007199254740994' }), [['total', 'int.lte']]);
  });
});

describe('validatorFor over contracts that cannot hold', () => {
  const cases: [string, RegExp][] = [
    ['BrokenStringOnInt', /BrokenStringOnInt\.count: string rules do not apply to a field of type int64/],
    [
      'BrokenRepeatedOnString',
      /BrokenRepeatedOnString\.name: repeated rules do not apply to a field of type string/,
    ],
    ['BrokenEmptyRange', /BrokenEmptyRange\.count: int rules admit no value/],
    ['BrokenPattern', /BrokenPattern\.name: string\.pattern does not compile/],
    ['BrokenEnumOnMessage', /BrokenEnumOnMessage\.party: enum rules do not apply to a field of type .*Party/],
  ];
  for (const [name, message] of cases) {
    it(`refuses to compile ${name}`, () => {
      assert.throws(
        () => validatorFor(testMessage(name)),
        (err: unknown) => {
          assert.ok(err instanceof ContractError);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }

  it('refuses a message whose sub-message is broken, every time it is asked', () => {
    assert.throws(() => validatorFor(testMessage('HoldsBroken')), ContractError);
    assert.throws(() => validatorFor(testMessage('HoldsBroken')), ContractError);
  });
});
