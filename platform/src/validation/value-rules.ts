/**
 * Rules over one value (a string, an integer, an enum number, a count of items), compiled from the
 * contract's StringRules, IntRules, EnumRules and RepeatedRules. Each rule answers the rule it
 * broke, or nothing; the message validator adds the path. Rules that cannot hold are contract
 * errors, thrown here.
 */
import type { DescEnum } from '@bufbuild/protobuf';
import {
  type EnumRules,
  type IntRules,
  type RepeatedRules,
  StringFormat,
  type StringRules,
} from '@paymesh/proto/paymesh/validate/v1/validate_pb';
import { ContractError } from './contract-error.js';
import { formatCheck } from './string-formats.js';

/** A broken rule, without the path of the value that broke it. */
export interface BrokenRule {
  readonly rule: string;
  readonly description: string;
}

/** One rule over one value: the rule it broke, or undefined when the value keeps it. */
export type ValueRule = (value: unknown) => BrokenRule | undefined;

/** Rules of a string value; lengths count Unicode code points, not UTF-16 units. */
export function stringRules(field: string, rules: StringRules): ValueRule[] {
  const checks: ValueRule[] = [];
  const { minLen, maxLen, pattern, format } = rules;
  if (minLen !== undefined && maxLen !== undefined && minLen > maxLen) {
    throw new ContractError(field, `string.min_len ${minLen} is greater than string.max_len ${maxLen}`);
  }
  if (minLen !== undefined) {
    const broken = brokenRule('string.min_len', `must be at least ${minLen} ${plural(minLen, 'character')}`);
    // A string never has more code points than UTF-16 units, so a short string fails without counting.
    checks.push((v) =>
      (v as string).length < minLen || codePointLength(v as string) < minLen ? broken : undefined,
    );
  }
  if (maxLen !== undefined) {
    const broken = brokenRule('string.max_len', `must be at most ${maxLen} ${plural(maxLen, 'character')}`);
    checks.push((v) =>
      (v as string).length > maxLen && codePointLength(v as string) > maxLen ? broken : undefined,
    );
  }
  if (pattern !== undefined) {
    const regex = compilePattern(field, pattern);
    const broken = brokenRule('string.pattern', `must match the pattern ${pattern}`);
    checks.push((v) => (regex.test(v as string) ? undefined : broken));
  }
  if (format !== StringFormat.UNSPECIFIED) {
    const check = formatCheck(format);
    if (!check) throw new ContractError(field, `string.format ${format} is not a known format`);
    const broken = brokenRule('string.format', check.description);
    checks.push((v) => (check.test(v as string) ? undefined : broken));
  }
  return checks;
}

/** Bounds of an integer value of any width, compared as bigint so int64 bounds stay exact. */
export function intRules(field: string, rules: IntRules): ValueRule[] {
  const { gt, gte, lt, lte } = rules;
  if (gt !== undefined && gte !== undefined)
    throw new ContractError(field, 'set int.gt or int.gte, not both');
  if (lt !== undefined && lte !== undefined)
    throw new ContractError(field, 'set int.lt or int.lte, not both');
  const lowest = gt !== undefined ? gt + 1n : gte;
  const highest = lt !== undefined ? lt - 1n : lte;
  if (lowest !== undefined && highest !== undefined && lowest > highest) {
    throw new ContractError(field, 'int rules admit no value');
  }
  const checks: ValueRule[] = [];
  if (gt !== undefined) {
    const broken = brokenRule('int.gt', `must be greater than ${gt}`);
    checks.push((v) => (toBigInt(v) > gt ? undefined : broken));
  }
  if (gte !== undefined) {
    const broken = brokenRule('int.gte', `must be greater than or equal to ${gte}`);
    checks.push((v) => (toBigInt(v) >= gte ? undefined : broken));
  }
  if (lt !== undefined) {
    const broken = brokenRule('int.lt', `must be less than ${lt}`);
    checks.push((v) => (toBigInt(v) < lt ? undefined : broken));
  }
  if (lte !== undefined) {
    const broken = brokenRule('int.lte', `must be less than or equal to ${lte}`);
    checks.push((v) => (toBigInt(v) <= lte ? undefined : broken));
  }
  return checks;
}

/** Rules of an enum value; protobuf keeps unknown numbers, so `defined_only` must reject them. */
export function enumRules(rules: EnumRules, desc: DescEnum): ValueRule[] {
  if (!rules.definedOnly) return [];
  const defined = new Set(desc.values.map((v) => v.number));
  const broken = brokenRule(
    'enum.defined_only',
    `must be one of ${desc.values.map((v) => v.name).join(', ')}`,
  );
  return [(v) => (defined.has(v as number) ? undefined : broken)];
}

/** Rules over the number of items of a list or entries of a map. */
export function countRules(field: string, rules: RepeatedRules): ValueRule[] {
  const { minItems, maxItems } = rules;
  if (minItems !== undefined && maxItems !== undefined && minItems > maxItems) {
    throw new ContractError(
      field,
      `repeated.min_items ${minItems} is greater than repeated.max_items ${maxItems}`,
    );
  }
  const checks: ValueRule[] = [];
  if (minItems !== undefined) {
    const broken = brokenRule(
      'repeated.min_items',
      `must have at least ${minItems} ${plural(minItems, 'item')}`,
    );
    checks.push((n) => ((n as number) < minItems ? broken : undefined));
  }
  if (maxItems !== undefined) {
    const broken = brokenRule(
      'repeated.max_items',
      `must have at most ${maxItems} ${plural(maxItems, 'item')}`,
    );
    checks.push((n) => ((n as number) > maxItems ? broken : undefined));
  }
  return checks;
}

/** Length in code points; a lone surrogate counts as one, as in `[...s].length`. */
export function codePointLength(s: string): number {
  let length = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

function compilePattern(field: string, pattern: string): RegExp {
  try {
    // The contract says the whole value must match, so anchor whatever the pattern says.
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (err) {
    throw new ContractError(field, `string.pattern does not compile: ${(err as Error).message}`);
  }
}

function toBigInt(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(value as number | string);
}

function brokenRule(rule: string, description: string): BrokenRule {
  return { rule, description };
}

function plural(n: number, noun: string): string {
  return n === 1 ? noun : `${noun}s`;
}
