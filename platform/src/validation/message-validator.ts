/**
 * Validators compiled from the contract: the `(paymesh.validate.v1.field)` options of a message
 * become a list of field checks, built once per message type (cached by type name) and run on every
 * request. Present sub-messages, list items and map values are checked too, each violation naming
 * its path (`lines[2].currency`, `limits["EUR"].amount`) with proto field names.
 */
import {
  type DescField,
  type DescMessage,
  getOption,
  hasOption,
  type Message,
  ScalarType,
} from '@bufbuild/protobuf';
import { FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';
import { type FieldRules, field as fieldRulesOption } from '@paymesh/proto/paymesh/validate/v1/validate_pb';
import type { Violation } from '../errors/domain-error.js';
import { ContractError } from './contract-error.js';
import {
  type BrokenRule,
  countRules,
  enumRules,
  intRules,
  stringRules,
  type ValueRule,
} from './value-rules.js';

export interface MessageValidator {
  /** The message type it checks. */
  readonly typeName: string;
  /** True when neither the message nor anything under it has a rule. */
  readonly trivial: boolean;
  /** Every rule `message` breaks, in field order; empty when it is valid. */
  validate(message: Message): Violation[];
}

type Fields = Record<string, unknown>;
type FieldCheck = (message: Fields, prefix: string, out: Violation[]) => void;

const required: BrokenRule = { rule: 'required', description: 'is required' };

const intScalars = new Set([
  ScalarType.INT32,
  ScalarType.SINT32,
  ScalarType.SFIXED32,
  ScalarType.UINT32,
  ScalarType.FIXED32,
  ScalarType.INT64,
  ScalarType.SINT64,
  ScalarType.SFIXED64,
  ScalarType.UINT64,
  ScalarType.FIXED64,
]);

class CompiledValidator implements MessageValidator {
  readonly checks: FieldCheck[] = [];
  /** True while its own fields are being compiled: a recursive type refers to itself then. */
  compiling = true;

  constructor(readonly typeName: string) {}

  get trivial(): boolean {
    return !this.compiling && this.checks.length === 0;
  }

  validate(message: Message): Violation[] {
    const out: Violation[] = [];
    this.run(message as unknown as Fields, '', out);
    return out;
  }

  run(message: Fields, prefix: string, out: Violation[]): void {
    for (const check of this.checks) check(message, prefix, out);
  }
}

const validators = new Map<string, CompiledValidator>();

/**
 * The validator of `desc`, compiled on first use. Throws a ContractError when a rule cannot hold
 * (a rule for another kind than the field's, an empty range, a bad pattern).
 */
export function validatorFor(desc: DescMessage): MessageValidator {
  return compile(desc);
}

function compile(desc: DescMessage): CompiledValidator {
  const cached = validators.get(desc.typeName);
  if (cached) return cached;
  const validator = new CompiledValidator(desc.typeName);
  validators.set(desc.typeName, validator);
  try {
    for (const field of desc.fields) {
      const check = compileField(field);
      if (check) validator.checks.push(check);
    }
  } catch (err) {
    validators.delete(desc.typeName);
    throw err;
  }
  validator.compiling = false;
  return validator;
}

function compileField(field: DescField): FieldCheck | undefined {
  const where = `${field.parent.typeName}.${field.name}`;
  const rules = hasOption(field, fieldRulesOption) ? getOption(field, fieldRulesOption) : undefined;
  const isRequired = rules?.required === true;
  const valueRules = rules ? valueRulesOf(field, where, rules) : [];
  const read = reader(field);
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
      return singularCheck(field, read, isRequired, valueRules);
    case 'message': {
      const sub = compile(field.message);
      if (!isRequired && sub.trivial) return undefined;
      return (message, prefix, out) => {
        const value = read(message);
        if (value === undefined) {
          if (isRequired) out.push({ field: prefix + field.name, ...required });
          return;
        }
        sub.run(value as Fields, `${prefix}${field.name}.`, out);
      };
    }
    case 'list':
    case 'map': {
      const counts = rules?.kind.case === 'repeated' ? countRules(where, rules.kind.value) : [];
      const sub = field.message ? compile(field.message) : undefined;
      const items = sub && !sub.trivial ? sub : undefined;
      if (!isRequired && counts.length === 0 && valueRules.length === 0 && !items) return undefined;
      const entries = field.fieldKind === 'list' ? listEntries : mapEntries(field.mapKey);
      const skipEmpty = field.scalar === ScalarType.STRING;
      return (message, prefix, out) => {
        const value = read(message) as unknown[] | Fields;
        const path = prefix + field.name;
        const size = Array.isArray(value) ? value.length : Object.keys(value).length;
        if (size === 0 && isRequired) {
          out.push({ field: path, ...required });
          return;
        }
        collect(counts, size, path, out);
        if (valueRules.length === 0 && !items) return;
        for (const [key, item] of entries(value)) {
          if (items) items.run(item as Fields, `${path}[${key}].`, out);
          else if (!(skipEmpty && item === '')) collect(valueRules, item, `${path}[${key}]`, out);
        }
      };
    }
  }
}

/** A scalar or enum field: `required` first; the other rules only for a set value. */
function singularCheck(
  field: DescField,
  read: (message: Fields) => unknown,
  isRequired: boolean,
  valueRules: ValueRule[],
): FieldCheck | undefined {
  if (!isRequired && valueRules.length === 0) return undefined;
  const implicit = field.presence === FeatureSet_FieldPresence.IMPLICIT && !field.oneof;
  const skipEmpty = field.scalar === ScalarType.STRING;
  return (message, prefix, out) => {
    const value = read(message);
    if (value === undefined || (isRequired && implicit && isZero(value))) {
      if (isRequired) out.push({ field: prefix + field.name, ...required });
      return;
    }
    // The contract checks an empty string with `required` only.
    if (skipEmpty && value === '') return;
    collect(valueRules, value, prefix + field.name, out);
  };
}

/** The per-value rules of a field (of each item, for a list or map); throws when the kind is wrong. */
function valueRulesOf(field: DescField, where: string, rules: FieldRules): ValueRule[] {
  const { kind } = rules;
  switch (kind.case) {
    case undefined:
      return [];
    case 'string':
      if (field.scalar !== ScalarType.STRING) throw misfit(field, where, 'string');
      return stringRules(where, kind.value);
    case 'int':
      if (field.scalar === undefined || !intScalars.has(field.scalar)) throw misfit(field, where, 'int');
      return intRules(where, kind.value);
    case 'enum':
      if (!field.enum) throw misfit(field, where, 'enum');
      return enumRules(kind.value, field.enum);
    case 'repeated':
      if (field.fieldKind !== 'list' && field.fieldKind !== 'map') throw misfit(field, where, 'repeated');
      return [];
  }
}

function misfit(field: DescField, where: string, kind: string): ContractError {
  return new ContractError(where, `${kind} rules do not apply to a field of type ${typeOf(field)}`);
}

function typeOf(field: DescField): string {
  const element = field.scalar
    ? ScalarType[field.scalar].toLowerCase()
    : (field.enum?.typeName ?? field.message?.typeName ?? '?');
  if (field.fieldKind === 'list') return `repeated ${element}`;
  if (field.fieldKind === 'map') return `map<${ScalarType[field.mapKey].toLowerCase()}, ${element}>`;
  return element;
}

/** Reads a field's value; undefined when a field with explicit presence (or a oneof member) is unset. */
function reader(field: DescField): (message: Fields) => unknown {
  const name = field.localName;
  if (field.oneof) {
    const group = field.oneof.localName;
    return (message) => {
      const selected = message[group] as { case?: string; value?: unknown };
      return selected.case === name ? selected.value : undefined;
    };
  }
  if (field.presence === FeatureSet_FieldPresence.EXPLICIT && field.fieldKind !== 'message') {
    // proto2 and editions keep defaults on the prototype: only an own property is set.
    return (message) => (Object.hasOwn(message, name) ? message[name] : undefined);
  }
  return (message) => message[name];
}

function isZero(value: unknown): boolean {
  return (
    value === '' ||
    value === 0 ||
    value === 0n ||
    value === false ||
    (value instanceof Uint8Array && value.length === 0)
  );
}

function collect(rules: ValueRule[], value: unknown, path: string, out: Violation[]): void {
  for (const rule of rules) {
    const broken = rule(value);
    if (broken) out.push({ field: path, rule: broken.rule, description: broken.description });
  }
}

function* listEntries(value: unknown[] | Fields): Iterable<[string, unknown]> {
  const list = value as unknown[];
  for (let i = 0; i < list.length; i++) yield [String(i), list[i]];
}

function mapEntries(keyType: ScalarType): (value: unknown[] | Fields) => Iterable<[string, unknown]> {
  // String keys are quoted so that a key with a dot or a bracket cannot be read as a path.
  const format = keyType === ScalarType.STRING ? (key: string) => JSON.stringify(key) : (key: string) => key;
  return function* (value) {
    for (const [key, item] of Object.entries(value as Fields)) yield [format(key), item];
  };
}
