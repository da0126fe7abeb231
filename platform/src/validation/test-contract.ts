/**
 * A contract for the validator's tests, built in code: nested, recursive, repeated, map, oneof,
 * optional and enum fields that the fixture contract does not have, plus rules that cannot hold.
 * It reads like this .proto (package paymesh.validationtest.v1):
 *
 *   enum Status { STATUS_UNSPECIFIED = 0; STATUS_OPEN = 1; STATUS_CLOSED = 2; }
 *   message Party { string id = 1 [required, uuid]; Party parent = 2; }
 *   message Line  { string currency = 1 [required, currency]; int64 amount = 2 [int.gt = 0];
 *                   Party counterparty = 3; }
 *   message Order {
 *     string customer_email = 1 [email];           string reference = 2 [min_len 3, max_len 5];
 *     Status status = 3 [required, defined_only];  repeated Line lines = 4 [required, 1..3 items];
 *     map<string, Line> limits = 5 [max_items 2];  Party payer = 6 [required];
 *     optional int32 priority = 7 [gte 1, lt 10];
 *     oneof target { string account_id = 8 [pattern ^acc-[0-9]+$]; Party party = 9; }
 *     repeated string tags = 10 [each max_len 3];  int64 total = 11 [lte 9007199254740993];
 *     map<int32, Status> states = 12 [each defined_only];
 *   }
 *   message Broken* { one field each, with a rule that cannot hold }
 *   service OrderDesk { rpc PlaceOrder(Order) returns (Order); rpc SubmitOrders(stream Order) returns (Order); }
 */
import {
  create,
  createFileRegistry,
  type DescFile,
  type DescMessage,
  type DescService,
  type MessageInitShape,
  setExtension,
} from '@bufbuild/protobuf';
import {
  type DescriptorProto,
  DescriptorProtoSchema,
  type FieldDescriptorProto,
  FieldDescriptorProtoSchema,
  FieldOptionsSchema,
  FileDescriptorProtoSchema,
  file_google_protobuf_descriptor,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from '@bufbuild/protobuf/wkt';
import {
  FieldRulesSchema,
  field as fieldRulesOption,
  file_paymesh_validate_v1_validate,
  StringFormat,
  type StringRulesSchema,
} from '@paymesh/proto/paymesh/validate/v1/validate_pb';

const pkg = 'paymesh.validationtest.v1';

type Rules = MessageInitShape<typeof FieldRulesSchema>;

interface FieldSpec {
  label?: Label;
  typeName?: string;
  rules?: Rules;
  oneofIndex?: number;
  proto3Optional?: boolean;
}

function field(name: string, number: number, type: Type, spec: FieldSpec = {}): FieldDescriptorProto {
  const options = create(FieldOptionsSchema);
  if (spec.rules) setExtension(options, fieldRulesOption, create(FieldRulesSchema, spec.rules));
  return create(FieldDescriptorProtoSchema, {
    name,
    jsonName: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
    number,
    type,
    label: spec.label ?? Label.OPTIONAL,
    typeName: spec.typeName ? `.${pkg}.${spec.typeName}` : undefined,
    oneofIndex: spec.oneofIndex,
    proto3Optional: spec.proto3Optional,
    options: spec.rules ? options : undefined,
  });
}

function message(
  name: string,
  fields: FieldDescriptorProto[],
  extra: MessageInitShape<typeof DescriptorProtoSchema> = {},
): DescriptorProto {
  return create(DescriptorProtoSchema, { name, field: fields, ...extra });
}

function mapEntry(name: string, key: FieldDescriptorProto, value: FieldDescriptorProto): DescriptorProto {
  return message(name, [key, value], { options: { mapEntry: true } });
}

const repeated = Label.REPEATED;

const file = create(FileDescriptorProtoSchema, {
  name: 'paymesh/validationtest/v1/validationtest.proto',
  package: pkg,
  syntax: 'proto3',
  dependency: ['paymesh/validate/v1/validate.proto'],
  enumType: [
    {
      name: 'Status',
      value: [
        { name: 'STATUS_UNSPECIFIED', number: 0 },
        { name: 'STATUS_OPEN', number: 1 },
        { name: 'STATUS_CLOSED', number: 2 },
      ],
    },
  ],
  messageType: [
    message('Party', [
      field('id', 1, Type.STRING, {
        rules: { required: true, kind: stringKind({ format: StringFormat.UUID }) },
      }),
      field('parent', 2, Type.MESSAGE, { typeName: 'Party' }),
    ]),
    message('Line', [
      field('currency', 1, Type.STRING, {
        rules: { required: true, kind: stringKind({ format: StringFormat.CURRENCY }) },
      }),
      field('amount', 2, Type.INT64, { rules: { kind: { case: 'int', value: { gt: 0n } } } }),
      field('counterparty', 3, Type.MESSAGE, { typeName: 'Party' }),
    ]),
    message(
      'Order',
      [
        field('customer_email', 1, Type.STRING, {
          rules: { kind: stringKind({ format: StringFormat.EMAIL }) },
        }),
        field('reference', 2, Type.STRING, { rules: { kind: stringKind({ minLen: 3, maxLen: 5 }) } }),
        field('status', 3, Type.ENUM, {
          typeName: 'Status',
          rules: { required: true, kind: { case: 'enum', value: { definedOnly: true } } },
        }),
        field('lines', 4, Type.MESSAGE, {
          label: repeated,
          typeName: 'Line',
          rules: { required: true, kind: { case: 'repeated', value: { minItems: 1, maxItems: 3 } } },
        }),
        field('limits', 5, Type.MESSAGE, {
          label: repeated,
          typeName: 'Order.LimitsEntry',
          rules: { kind: { case: 'repeated', value: { maxItems: 2 } } },
        }),
        field('payer', 6, Type.MESSAGE, { typeName: 'Party', rules: { required: true } }),
        field('priority', 7, Type.INT32, {
          oneofIndex: 1,
          proto3Optional: true,
          rules: { kind: { case: 'int', value: { gte: 1n, lt: 10n } } },
        }),
        field('account_id', 8, Type.STRING, {
          oneofIndex: 0,
          rules: { kind: stringKind({ pattern: '^acc-[0-9]+$' }) },
        }),
        field('party', 9, Type.MESSAGE, { oneofIndex: 0, typeName: 'Party' }),
        field('tags', 10, Type.STRING, { label: repeated, rules: { kind: stringKind({ maxLen: 3 }) } }),
        field('total', 11, Type.INT64, {
          rules: { kind: { case: 'int', value: { lte: 9007199254740993n } } },
        }),
        field('states', 12, Type.MESSAGE, {
          label: repeated,
          typeName: 'Order.StatesEntry',
          rules: { kind: { case: 'enum', value: { definedOnly: true } } },
        }),
      ],
      {
        oneofDecl: [{ name: 'target' }, { name: '_priority' }],
        nestedType: [
          mapEntry(
            'LimitsEntry',
            field('key', 1, Type.STRING),
            field('value', 2, Type.MESSAGE, { typeName: 'Line' }),
          ),
          mapEntry(
            'StatesEntry',
            field('key', 1, Type.INT32),
            field('value', 2, Type.ENUM, { typeName: 'Status' }),
          ),
        ],
      },
    ),
    message('BrokenStringOnInt', [
      field('count', 1, Type.INT64, { rules: { kind: stringKind({ maxLen: 3 }) } }),
    ]),
    message('BrokenRepeatedOnString', [
      field('name', 1, Type.STRING, { rules: { kind: { case: 'repeated', value: { maxItems: 1 } } } }),
    ]),
    message('BrokenEmptyRange', [
      field('count', 1, Type.INT32, { rules: { kind: { case: 'int', value: { gt: 5n, lt: 6n } } } }),
    ]),
    message('BrokenPattern', [
      field('name', 1, Type.STRING, { rules: { kind: stringKind({ pattern: '(' }) } }),
    ]),
    message('BrokenEnumOnMessage', [
      field('party', 1, Type.MESSAGE, {
        typeName: 'Party',
        rules: { kind: { case: 'enum', value: { definedOnly: true } } },
      }),
    ]),
    message('HoldsBroken', [field('inner', 1, Type.MESSAGE, { typeName: 'BrokenPattern' })]),
  ],
  service: [
    {
      name: 'OrderDesk',
      method: [
        { name: 'PlaceOrder', inputType: `.${pkg}.Order`, outputType: `.${pkg}.Order` },
        {
          name: 'SubmitOrders',
          inputType: `.${pkg}.Order`,
          outputType: `.${pkg}.Order`,
          clientStreaming: true,
        },
      ],
    },
  ],
});

function stringKind(value: MessageInitShape<typeof StringRulesSchema>): Rules['kind'] {
  return { case: 'string', value };
}

const registry = createFileRegistry(file, (name): DescFile | undefined =>
  name === 'paymesh/validate/v1/validate.proto'
    ? file_paymesh_validate_v1_validate
    : name === 'google/protobuf/descriptor.proto'
      ? file_google_protobuf_descriptor
      : undefined,
);

/** The service `paymesh.validationtest.v1.OrderDesk`: a unary and a client-streaming method. */
export function orderDesk(): DescService {
  const desc = registry.getService(`${pkg}.OrderDesk`);
  if (!desc) throw new Error('no service OrderDesk in the test contract');
  return desc;
}

/** The message `paymesh.validationtest.v1.<name>` of the test contract. */
export function testMessage(name: string): DescMessage {
  const desc = registry.getMessage(`${pkg}.${name}`);
  if (!desc) throw new Error(`no message ${name} in the test contract`);
  return desc;
}
